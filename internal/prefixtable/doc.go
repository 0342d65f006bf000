// Package prefixtable is the implementation of package cidr's Table and
// Builder, with what only this repository's packages use: the index of an
// address's value group ([Table.LookupGroup], [Table.Group],
// [Table.Groups], [Table.AllGroups]), so that package source/feed answers a
// lookup with one precomputed record per group, and [Map], which gives a
// table new values without rebuilding it. Package cidr wraps it with the
// public API; its package documentation describes the table.
package prefixtable

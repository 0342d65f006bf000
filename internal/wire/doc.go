// Package wire holds the JSON wire formats of the hosted IP-intelligence
// APIs that package source/remote speaks: VectraIP, VPN Signal and Datpaq.
//
// The same structs are used three ways: source/remote decodes responses into
// them, its tests' fake servers encode them, and the example server
// (examples/) serves them built from ipintel results, so that a team can move
// from one of those APIs to ipintel without rewriting its consumers.
//
// The shapes are our best reading of each provider's public documentation
// (their reference pages and example responses, as of 2026). Fields the
// documentation shows are marked "documented"; fields it mentions without
// naming, or does not show in an example, carry the natural snake_case name
// consistent with the documented ones and say "inferred" in their comment.
// Documented fields are always encoded (no omitempty) so that an encoded
// value looks like the documented example; inferred fields are omitted when
// empty.
//
// Nothing here validates: a decoder takes what it is given and package
// remote decides what to trust.
package wire

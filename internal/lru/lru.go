// Package lru is a fixed-size, least-recently-used cache whose entries
// expire after a time to live.
//
// Expiry is checked when an entry is read, so the cache starts no
// goroutine (golang-lru's expirable cache starts a janitor that never
// stops). Callers pass the time in, which keeps the clock out of the hot
// path when the caller has already read it, and lets tests step it.
//
// A Cache is safe for concurrent use.
package lru

import (
	"errors"
	"time"

	hlru "github.com/hashicorp/golang-lru/v2"
)

// Cache holds up to a fixed number of entries, evicting the least recently
// used one to make room, and forgets an entry once its time to live is over.
type Cache[K comparable, V any] struct {
	lru *hlru.Cache[K, entry[V]]
	ttl time.Duration // 0: entries do not expire
}

type entry[V any] struct {
	val     V
	expires time.Time
}

// ErrSize is returned by [New] for a size below 1.
var ErrSize = errors.New("lru: size must be at least 1")

// ErrTTL is returned by [New] for a negative time to live.
var ErrTTL = errors.New("lru: negative time to live")

// New returns a cache of size entries that live for ttl each; a zero ttl
// means entries never expire (they are only evicted).
func New[K comparable, V any](size int, ttl time.Duration) (*Cache[K, V], error) {
	if size < 1 {
		return nil, ErrSize
	}
	if ttl < 0 {
		return nil, ErrTTL
	}
	l, err := hlru.New[K, entry[V]](size)
	if err != nil {
		return nil, err
	}
	return &Cache[K, V]{lru: l, ttl: ttl}, nil
}

// Get returns key's value unless it is missing or has expired at now. An
// expired entry is removed.
func (c *Cache[K, V]) Get(key K, now time.Time) (V, bool) {
	e, ok := c.lru.Get(key)
	if !ok {
		var zero V
		return zero, false
	}
	if c.ttl > 0 && !now.Before(e.expires) {
		c.lru.Remove(key)
		var zero V
		return zero, false
	}
	return e.val, true
}

// Add stores val under key, to expire at now plus the time to live.
func (c *Cache[K, V]) Add(key K, val V, now time.Time) {
	c.lru.Add(key, entry[V]{val: val, expires: now.Add(c.ttl)})
}

// Len returns how many entries the cache holds, expired ones included
// until they are read or evicted.
func (c *Cache[K, V]) Len() int { return c.lru.Len() }

// Purge removes every entry.
func (c *Cache[K, V]) Purge() { c.lru.Purge() }

package store

import (
	"context"
	"sync"
	"time"
)

// memory is the Store NewMemory returns.
type memory struct {
	mu     sync.Mutex
	items  map[string]memEntry
	writes int
	now    func() time.Time
}

type memEntry struct {
	value   []byte
	expires time.Time
}

const sweepEvery = 1024

// NewMemory returns an empty [Store] held in the process's memory: for
// tests and for a single process, not for sharing between processes. It
// starts no goroutine; expired entries are dropped when read and swept
// now and then as the store is written.
func NewMemory() Store { return newMemory() }

func newMemory() *memory {
	return &memory{items: make(map[string]memEntry), now: time.Now}
}

// Get implements [Store].
func (m *memory) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.get(key, m.now())
	return v, ok, nil
}

func (m *memory) get(key string, now time.Time) ([]byte, bool) {
	e, ok := m.items[key]
	if !ok {
		return nil, false
	}
	if !now.Before(e.expires) {
		delete(m.items, key)
		return nil, false
	}
	return append([]byte{}, e.value...), true
}

// Set implements [Store].
func (m *memory) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	return m.SetMulti(ctx, []Item{{Key: key, Value: value, TTL: ttl}})
}

// Claim implements [Store].
func (m *memory) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	c, err := m.ClaimMulti(ctx, []string{key}, ttl)
	if err != nil {
		return false, err
	}
	return c[0], nil
}

// GetMulti implements [Store].
func (m *memory) GetMulti(ctx context.Context, keys []string) ([][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i], _ = m.get(k, now)
	}
	return out, nil
}

// SetMulti implements [Store]. It stores nothing if any item is invalid.
func (m *memory) SetMulti(ctx context.Context, items []Item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, it := range items {
		if err := Check(it.Key, it.TTL); err != nil {
			return err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for _, it := range items {
		m.items[it.Key] = memEntry{value: append([]byte{}, it.Value...), expires: now.Add(it.TTL)}
	}
	m.wrote(len(items), now)
	return nil
}

// ClaimMulti implements [Store].
func (m *memory) ClaimMulti(ctx context.Context, keys []string, ttl time.Duration) ([]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if err := Check(k, ttl); err != nil {
			return nil, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	out := make([]bool, len(keys))
	for i, k := range keys {
		if _, taken := m.get(k, now); taken {
			continue
		}
		m.items[k] = memEntry{value: []byte{}, expires: now.Add(ttl)}
		out[i] = true
	}
	m.wrote(len(keys), now)
	return out, nil
}

// wrote counts writes and sweeps expired entries every sweepEvery, so a
// store whose keys are never read again does not grow without bound.
func (m *memory) wrote(n int, now time.Time) {
	m.writes += n
	if m.writes < sweepEvery {
		return
	}
	m.writes = 0
	for k, e := range m.items {
		if !now.Before(e.expires) {
			delete(m.items, k)
		}
	}
}

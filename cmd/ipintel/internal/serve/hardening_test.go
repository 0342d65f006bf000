package serve

import (
	"errors"
	"strings"
	"testing"
)

// TestKeyLength: a key shorter than 20 characters is refused at start, by
// line or position and without being repeated; the -dev key passes.
func TestKeyLength(t *testing.T) {
	for _, c := range []struct {
		key string
		ok  bool
	}{
		{"x", false},
		{strings.Repeat("k", minKeyLen-1), false},
		{strings.Repeat("k", minKeyLen), true},
		{strings.Repeat("é", minKeyLen-1), false}, // characters, not bytes
		{strings.Repeat("é", minKeyLen), true},
		{newKey(), true},
	} {
		_, err := newKeyring([]keySpec{{key: c.key}}, plans{})
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, errWeakKey)) {
			t.Errorf("key of %d characters: %v", len([]rune(c.key)), err)
		}
		if err != nil && len(c.key) > 1 && strings.Contains(err.Error(), c.key) { // "x" is in "hex"
			t.Errorf("the error repeats the key: %v", err)
		}
	}
	_, err := readKeys(strings.NewReader(key1 + "\n\nsecret vectraip=free\n"))
	if !errors.Is(err, errWeakKey) || !strings.Contains(err.Error(), "line 3") || strings.Contains(err.Error(), "secret") {
		t.Errorf("keys file with a 6-character key: %v", err)
	}
}

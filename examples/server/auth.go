package main

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// keyring holds the accepted API keys as SHA-256 digests: a presented key
// is hashed and looked up, so the comparison does not depend on how much
// of a key matches, and the keys themselves are not kept in memory.
type keyring map[[sha256.Size]byte]struct{}

// errNoKeys: no API key was configured.
var errNoKeys = errors.New("server: no API keys configured")

func newKeyring(keys []string) (keyring, error) {
	k := make(keyring, len(keys))
	for _, key := range keys {
		if key = strings.TrimSpace(key); key != "" {
			k[sha256.Sum256([]byte(key))] = struct{}{}
		}
	}
	if len(k) == 0 {
		return nil, errNoKeys
	}
	return k, nil
}

// check returns the rate-limit identity of a valid key ("" when the key is
// not valid): its digest, so the key itself is never a map key or a label.
func (k keyring) check(key string) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key))
	if _, ok := k[sum]; !ok {
		return ""
	}
	return string(sum[:])
}

// readKeys reads one key a line; blank lines and lines starting with # are
// skipped. A line over 1 KiB is an error, without echoing it.
func readKeys(r io.Reader) ([]string, error) {
	var keys []string
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	sc.Buffer(make([]byte, 1024), 1024)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		keys = append(keys, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("server: keys file, after line %d: %w", line, err)
	}
	return keys, nil
}

// bearer returns the token of "Authorization: Bearer <token>".
func bearer(r *http.Request) string {
	v := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

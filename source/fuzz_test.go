package source_test

import (
	"errors"
	"testing"

	"github.com/ipintel/ipintel/source"
)

// FuzzParseASN: any text is an ASN that prints and parses back to itself,
// or an ErrInvalidInput that quotes at most 64 bytes of the input.
func FuzzParseASN(f *testing.F) {
	for _, s := range []string{"AS13335", "as0", "13335", "AS4294967296", "AS+1", "ASN1", "", "AS\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := source.ParseASN(s)
		if err != nil {
			// 64 bytes quoted take at most 4 characters each.
			if !errors.Is(err, source.ErrInvalidInput) || a != 0 || len(err.Error()) > len(source.ErrInvalidInput.Error())+4*64+8 {
				t.Fatalf("ParseASN(%q) = %v, %v", s, a, err)
			}
			return
		}
		text, err := a.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back source.ASN
		if err := back.UnmarshalText(text); err != nil || back != a {
			t.Fatalf("ParseASN(%q) = %v, printed %q, read back as %v, %v", s, a, text, back, err)
		}
	})
}

// FuzzParseKind: a kind parses only from its own name, and every error is
// ErrInvalidInput.
func FuzzParseKind(f *testing.F) {
	for _, s := range []string{"vpn", "tor", "VPN", "", "hosting "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := source.ParseKind(s)
		if err != nil {
			if !errors.Is(err, source.ErrInvalidInput) {
				t.Fatalf("ParseKind(%q): %v", s, err)
			}
			return
		}
		if !k.Valid() || k.String() != s {
			t.Fatalf("ParseKind(%q) = %v (%q)", s, k, k.String())
		}
	})
}

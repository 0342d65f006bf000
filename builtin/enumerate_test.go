package builtin_test

import (
	"testing"

	"github.com/ipintel/ipintel/builtin"
	"github.com/ipintel/ipintel/source/sourcetest"
)

// TestEnumerate checks that the listing of the embedded data is what
// Lookup answers, on 20 000 of its prefixes spread over the whole listing.
func TestEnumerate(t *testing.T) {
	b, err := builtin.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	sourcetest.Enumeration(t, b, 20_000)
}

package snapshot

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseCSV: any input parses into sorted, disjoint ranges or fails with
// ErrBadInput; Build then Encode then Decode of what parses round-trips.
func FuzzParseCSV(f *testing.F) {
	for _, name := range []string{"country-ipv4.csv", "country-ipv6.csv", "asn-ipv4.csv", "asn-ipv6.csv"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), strings.Contains(name, "ipv6"), strings.HasPrefix(name, "asn"))
	}
	f.Add("1.0.0.0,1.0.0.255,AU\n1.0.0.128,1.0.0.200,CN\n", false, false) // overlap
	f.Add("1.0.0.9,1.0.0.1,AU\n", false, false)                           // backwards
	f.Add("::,::ffff,US\n", true, false)
	f.Add("1.2.3.4,1.2.3.4,0,zero\n", false, true)
	f.Add("\"1.0.0.0,1.0.0.1,1,x\n", false, true)
	f.Fuzz(func(t *testing.T, text string, v6, asn bool) {
		in := Input{Countries: NewDict[string](), Networks: NewDict[Network]()}
		var rs []Range
		var err error
		if asn {
			rs, err = ParseASNCSV(strings.NewReader(text), v6, in.Networks)
		} else {
			rs, err = ParseCountryCSV(strings.NewReader(text), v6, in.Countries)
		}
		if err != nil {
			if !errors.Is(err, ErrBadInput) {
				t.Fatalf("error %v does not wrap ErrBadInput", err)
			}
			return
		}
		for i, r := range rs {
			if r.End.Less(r.Start) || (i > 0 && !rs[i-1].End.Less(r.Start)) {
				t.Fatalf("range %d %+v not sorted and disjoint", i, r)
			}
		}
		switch {
		case asn && v6:
			in.ASN6 = rs
		case asn:
			in.ASN4 = rs
		case v6:
			in.Country6 = rs
		default:
			in.Country4 = rs
		}
		s, err := Build(in)
		if err != nil {
			return
		}
		b, err := Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(b)
		if err != nil {
			t.Fatalf("decoding what Encode wrote: %v", err)
		}
		if CountsOf(back) != CountsOf(s) {
			t.Fatalf("counts %+v after a round trip, want %+v", CountsOf(back), CountsOf(s))
		}
	})
}

package remote

import (
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
)

// FuzzDecodeShared: no stored value, however corrupt, panics the decoder,
// and whatever it accepts encodes back to a value that decodes the same.
func FuzzDecodeShared(f *testing.F) {
	addr := netip.MustParseAddr("45.130.202.105")
	full := source.Record{
		Prefix:  netip.MustParsePrefix("45.130.202.0/24"),
		Geo:     &source.Geo{CountryCode: "NL", City: "Amsterdam", Coordinates: source.Coordinates{Latitude: 52.37, Longitude: 4.89}},
		Network: &source.Network{ASN: 64500, Organization: "Example", CIDR: netip.MustParsePrefix("45.130.202.0/24")},
		Signals: []source.Signal{{Kind: source.VPN, Confidence: 88, Provider: "NordVPN", Source: "vectraip",
			Category: "commercial", LastSeen: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}},
	}
	for _, r := range []source.Record{{}, full} {
		b, err := encodeShared(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	for _, s := range []string{"", "R", "R\x01", "R\x02-", "R\x01J", "R\x01Jnull", "R\x01J{}", `R` + "\x01" + `J{"p":"1.2.3.0/24"}`,
		`R` + "\x01" + `J{"s":[{"k":"vpn","c":101}]}`, "not a value"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := decodeShared(b, addr)
		if err != nil {
			return
		}
		// An accepted value's networks hold the address (issue 14).
		if rec.Prefix.IsValid() && !rec.Prefix.Contains(addr) ||
			rec.Network != nil && rec.Network.CIDR.IsValid() && !rec.Network.CIDR.Contains(addr) {
			t.Fatalf("accepted %q: networks %v, %+v do not hold %v", b, rec.Prefix, rec.Network, addr)
		}
		again, err := encodeShared(rec)
		if err != nil {
			t.Fatalf("accepted %q but cannot encode it: %v", b, err)
		}
		rec2, err := decodeShared(again, addr)
		if err != nil || !reflect.DeepEqual(normal(rec), normal(rec2)) {
			t.Fatalf("round trip of %q: %+v, %v; want %+v", b, rec2, err, rec)
		}
	})
}

// normal drops time zones and monotonic clocks, which JSON does not keep.
func normal(r source.Record) source.Record {
	out := r
	out.Signals = nil
	for _, s := range r.Signals {
		s.FirstSeen, s.LastSeen = s.FirstSeen.UTC(), s.LastSeen.UTC()
		out.Signals = append(out.Signals, s)
	}
	return out
}

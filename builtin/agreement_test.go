package builtin

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ipintel/ipintel/builtin/internal/snapshot"
	"github.com/ipintel/ipintel/internal/realdata"
	"github.com/oschwald/maxminddb-golang/v2"
)

// agreement counts how often builtin's country matches another source's.
type agreement struct{ compared, same, missing int }

func (a *agreement) add(s *Source, addr netip.Addr, want string) {
	rec, _ := s.Lookup(context.Background(), addr)
	if rec.Geo == nil {
		a.missing++
		return
	}
	a.compared++
	if rec.Geo.CountryCode == want {
		a.same++
	}
}

func (a agreement) String() string {
	return fmt.Sprintf("%d compared, %.1f%% same country, %d not in builtin", a.compared, 100*float64(a.same)/float64(max(a.compared, 1)), a.missing)
}

// TestCountryAgreementApple compares builtin's country with Apple's own
// geofeed for its iCloud Private Relay egress ranges (NextDNS's MMDB of
// it, in the real data). Apple's country is where the relay's users are;
// a database that places the server instead disagrees (DB-IP's country
// lite, shipped before, agreed on 16% of the IPv4 ranges).
func TestCountryAgreementApple(t *testing.T) {
	db, err := maxminddb.Open(realdata.Path(t, "nextdns-icloud-private-relay-mmdb", "egress-ip-ranges.mmdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := open(t)
	var v4, v6 agreement
	for res := range db.Networks() {
		var rec struct {
			Country struct {
				ISOCode string `maxminddb:"iso_code"`
			} `maxminddb:"country"`
		}
		if err := res.Decode(&rec); err != nil {
			t.Fatal(err)
		}
		addr := res.Prefix().Addr().Unmap()
		if rec.Country.ISOCode == "" {
			continue
		}
		if addr.Is4() {
			v4.add(s, addr, rec.Country.ISOCode)
		} else {
			v6.add(s, addr, rec.Country.ISOCode)
		}
	}
	t.Logf("Apple relay egress geofeed: IPv4 %v; IPv6 %v", v4, v6)
	if v4.compared+v6.compared == 0 {
		t.Fatal("nothing compared")
	}
}

// TestCountryAgreementDBIP compares builtin (geo-whois-asn-country: RIR
// geofeeds, whois and AS country) with DB-IP's IP to Country Lite, the
// country data builtin shipped before, on the first address of each of
// DB-IP's ranges and on random addresses. It needs the npm tarball of
// @ip-location-db/dbip-country in $IPINTEL_BUILTIN_INPUTS.
func TestCountryAgreementDBIP(t *testing.T) {
	dir := os.Getenv(inputsEnv)
	if dir == "" {
		t.Skipf("set %s to the directory holding the npm pack tarballs", inputsEnv)
	}
	const tarball = "ip-location-db-dbip-country-2.3.2026060120.tgz"
	raw, err := os.ReadFile(filepath.Join(dir, tarball))
	if err != nil {
		t.Skipf("%v (npm pack @ip-location-db/dbip-country@2.3.2026060120)", err)
	}
	files, err := snapshot.Untar(raw, ".csv")
	if err != nil {
		t.Fatal(err)
	}
	s := open(t)
	for _, fam := range []struct {
		file string
		v6   bool
	}{{"package/dbip-country-ipv4.csv", false}, {"package/dbip-country-ipv6.csv", true}} {
		dict := snapshot.NewDict[string]()
		rs, err := snapshot.ParseCountryCSV(bytes.NewReader(files[fam.file]), fam.v6, dict)
		if err != nil {
			t.Fatal(err)
		}
		var a agreement
		for _, r := range rs {
			a.add(s, toAddr(r.Start, !fam.v6), dict.Values[r.Value])
		}
		t.Logf("dbip-country %s, first address of each range: %v", filepath.Base(fam.file), a)
		if fam.v6 {
			continue
		}
		// Weighted by addresses: random IPv4 addresses both sources place.
		rng := rand.New(rand.NewPCG(11, 12))
		var w agreement
		for w.compared < 50000 {
			v := snapshot.U128{Lo: uint64(rng.Uint32())}
			i, _ := slices.BinarySearchFunc(rs, v, func(r snapshot.Range, v snapshot.U128) int {
				if r.End.Less(v) {
					return -1
				}
				if v.Less(r.Start) {
					return 1
				}
				return 0
			})
			if i == len(rs) || v.Less(rs[i].Start) || rs[i].End.Less(v) {
				continue
			}
			w.add(s, toAddr(v, true), dict.Values[rs[i].Value])
		}
		t.Logf("dbip-country, random IPv4 addresses: %v", w)
	}
}

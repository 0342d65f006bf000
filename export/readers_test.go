package export_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/oschwald/geoip2-golang/v2"

	"github.com/ipintel/ipintel/export"
)

func writeMMDB(t *testing.T, tab *export.Table, typ export.DatabaseType) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := tab.WriteMMDB(&buf, typ)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("WriteMMDB says %d bytes, wrote %d", n, buf.Len())
	}
	return buf.Bytes()
}

// TestGeoIP2Readers opens each database type with the typed reader of
// geoip2-golang it is meant for, checks that the others refuse it (so the
// documented choice of types is what readers do), and compares the typed
// answers with Client.Lookup.
func TestGeoIP2Readers(t *testing.T) {
	tab, c := fixtureTable(t)
	addrs := testAddrs(t, 3000)
	open := func(typ export.DatabaseType) *geoip2.Reader {
		r, err := geoip2.OpenBytes(writeMMDB(t, tab, typ))
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if got := r.Metadata().DatabaseType; got != string(typ) {
			t.Fatalf("database_type %q, want %q", got, typ)
		}
		if d := r.Metadata().Description["en"]; !strings.Contains(d, "CC BY 4.0") || !strings.Contains(d, "DB-IP") {
			t.Errorf("%s: description without the data's licence and attribution: %q", typ, d)
		}
		return r
	}
	ent, country, asn, anon := open(export.Enterprise), open(export.Country), open(export.ASN), open(export.AnonymousIP)
	a0 := netip.MustParseAddr("8.8.8.8")
	for _, c := range []struct {
		name string
		err  error
	}{
		{"Enterprise.ASN", second(ent.ASN(a0))},
		{"Enterprise.AnonymousIP", second(ent.AnonymousIP(a0))},
		{"Country.ASN", second(country.ASN(a0))},
		{"ASN.Country", second(asn.Country(a0))},
		{"AnonymousIP.Country", second(anon.Country(a0))},
	} {
		var ime geoip2.InvalidMethodError
		if !errors.As(c.err, &ime) {
			t.Errorf("%s: %v, want an InvalidMethodError", c.name, c.err)
		}
	}
	checked := 0
	for _, a := range addrs {
		r, err := c.LookupAddr(ctx, a)
		if err != nil {
			continue // reserved: TestAgreement checks these
		}
		w := wantOf(r)
		e, err := ent.Enterprise(a)
		if err != nil {
			t.Fatal(err)
		}
		ct, err := country.Country(a)
		if err != nil {
			t.Fatal(err)
		}
		ec, err := ent.Country(a)
		if err != nil {
			t.Fatal(err)
		}
		as, err := asn.ASN(a)
		if err != nil {
			t.Fatal(err)
		}
		an, err := anon.AnonymousIP(a)
		if err != nil {
			t.Fatal(err)
		}
		got := want{
			found: w.found, country: ct.Country.ISOCode, asn: uint32(as.AutonomousSystemNumber),
			org: as.AutonomousSystemOrganization, tor: an.IsTorExitNode, vpn: an.IsAnonymousVPN, hosting: an.IsHostingProvider,
			relay: w.relay,
		}
		if got != w {
			t.Errorf("%v: typed readers %+v, Lookup %+v", a, got, w)
		}
		if ec.Country.ISOCode != w.country || ec.RegisteredCountry.ISOCode != w.country {
			t.Errorf("%v: Enterprise file's Country() %q/%q, Lookup %q", a, ec.Country.ISOCode, ec.RegisteredCountry.ISOCode, w.country)
		}
		tr := e.Traits
		if uint32(tr.AutonomousSystemNumber) != w.asn || tr.AutonomousSystemOrganization != w.org ||
			e.Country.ISOCode != w.country {
			t.Errorf("%v: Enterprise() %+v / %q, Lookup %+v", a, tr, e.Country.ISOCode, w)
		}
		anonymous := r.Privacy.IsVPN || r.Privacy.IsTor || r.Privacy.IsProxy
		if an.IsAnonymous != anonymous {
			t.Errorf("%v: is_anonymous %v, Lookup VPN/proxy/Tor %v", a, an.IsAnonymous, anonymous)
		}
		checked++
	}
	if checked < len(addrs)/2 {
		t.Fatalf("only %d of %d addresses checked", checked, len(addrs))
	}
}

func second[T any](_ T, err error) error { return err }

// TestCSV reads the CSV back and checks every row it has for the test
// addresses against Client.Lookup.
func TestCSV(t *testing.T) {
	tab, c := fixtureTable(t)
	// Streamed: the whole CSV is 150 MB.
	pr, pw := io.Pipe()
	type written struct {
		n   int64
		err error
	}
	done := make(chan written, 1)
	go func() {
		cw := &countWriter{w: pw}
		n, err := tab.WriteCSV(cw)
		pw.CloseWithError(err)
		if err == nil && n != cw.n {
			err = fmt.Errorf("WriteCSV says %d bytes, wrote %d", n, cw.n)
		}
		done <- written{cw.n, err}
	}()
	defer func() {
		pr.Close()
		if w := <-done; w.err != nil && !t.Failed() {
			t.Errorf("WriteCSV: %v", w.err)
		}
	}()
	rd := csv.NewReader(pr)
	head, err := rd.Read()
	if err != nil || strings.Join(head, ",") != strings.Join(export.CSVHeader, ",") {
		t.Fatalf("header %q, %v", head, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	type row []string
	var rows []netip.Prefix
	byPrefix := map[netip.Prefix]row{}
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		p, err := netip.ParsePrefix(rec[0])
		if err != nil || p != p.Masked() {
			t.Fatalf("network %q: %v", rec[0], err)
		}
		if len(rows) > 0 && !rows[len(rows)-1].Addr().Less(p.Addr()) {
			t.Fatalf("rows out of order: %v then %v", rows[len(rows)-1], p)
		}
		rows = append(rows, p)
		byPrefix[p] = rec
	}
	checked := 0
	for _, a := range testAddrs(t, 2000) {
		r, err := c.LookupAddr(ctx, a)
		if err != nil || !r.Meta.Found {
			continue
		}
		var rec row
		for bits := a.BitLen(); bits >= 0 && rec == nil; bits-- {
			p, _ := a.Prefix(bits)
			rec = byPrefix[p]
		}
		if rec == nil {
			t.Fatalf("%v: no CSV row", a)
		}
		w := wantOf(r)
		asn, _ := strconv.ParseUint(rec[col["asn"]], 10, 32)
		got := want{found: true, country: rec[col["country"]], asn: uint32(asn), org: rec[col["org"]],
			tor: rec[col["is_tor"]] == "1", vpn: rec[col["is_vpn"]] == "1", hosting: rec[col["is_hosting"]] == "1",
			relay: rec[col["is_relay"]] == "1"}
		if got != w {
			t.Errorf("%v: CSV %+v, Lookup %+v", a, got, w)
		}
		if rec[col["risk_score"]] != strconv.Itoa(r.Risk.Score) {
			t.Errorf("%v: CSV risk %s, Lookup %d", a, rec[col["risk_score"]], r.Risk.Score)
		}
		checked++
	}
	if checked < 1000 {
		t.Fatalf("only %d addresses checked", checked)
	}
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

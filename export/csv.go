package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// CSVHeader is the first line [Table.WriteCSV] writes: the columns, in
// order, as [Entry] has them (is_proxy is a public proxy,
// is_residential_proxy a residential one; is_anonymous is GeoIP2's: a VPN,
// a public or residential proxy, or a Tor exit, not a privacy relay or a
// hosting range). Flags are 0 or 1; an empty field is unknown.
var CSVHeader = []string{
	"network", "country", "country_name", "continent", "asn", "org",
	"is_anonymous", "is_vpn", "is_proxy", "is_residential_proxy", "is_tor", "is_relay", "is_hosting",
	"is_abuser", "is_bot", "provider", "confidence", "monitoring_provider", "risk_score",
}

// WriteCSV writes the table as CSV, one row per prefix (the fewest that
// cover each range), IPv4 first, in address order, under [CSVHeader]: the
// shape ClickHouse's ip_trie dictionaries load (the network column is the
// key) and spreadsheets open. It returns the bytes written.
func (t *Table) WriteCSV(w io.Writer) (int64, error) {
	n, err := t.writeCSV(context.Background(), w, nil)
	if err != nil {
		err = fmt.Errorf("export: csv: %w", err)
	}
	return n, err
}

func (t *Table) writeCSV(ctx context.Context, w io.Writer, progress func(Progress)) (int64, error) {
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<16)
	c := csv.NewWriter(bw)
	if err := c.Write(CSVHeader); err != nil {
		return cw.n, err
	}
	row := make([]string, len(CSVHeader))
	flag := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	n := 0
	for p, e := range t.Prefixes() {
		row = append(row[:0], p.String(), e.CountryCode, e.CountryName, e.Continent, num(int(e.ASN)), e.Organization,
			flag(e.isAnonymous()), flag(e.IsVPN), flag(e.IsProxy), flag(e.IsResidentialProxy), flag(e.IsTor),
			flag(e.IsRelay), flag(e.IsHosting), flag(e.IsAbuser), flag(e.IsBot), e.Provider, num(e.Confidence),
			e.MonitoringProvider, strconv.Itoa(e.RiskScore))
		if err := c.Write(row); err != nil {
			return cw.n, err
		}
		if n++; n%(1<<14) == 0 {
			if err := ctx.Err(); err != nil {
				return cw.n, err
			}
			if progress != nil && n%(1<<18) == 0 {
				progress(Progress{Stage: "write", Count: n})
			}
		}
	}
	c.Flush()
	if err := c.Error(); err != nil {
		return cw.n, err
	}
	if err := bw.Flush(); err != nil {
		return cw.n, err
	}
	if progress != nil {
		progress(Progress{Stage: "write", Count: n, Done: true})
	}
	return cw.n, nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

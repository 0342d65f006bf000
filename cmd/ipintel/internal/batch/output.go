package batch

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ipintel/ipintel"
)

// encoder writes one output row per input.
type encoder struct {
	csv   *csv.Writer
	bw    *bufio.Writer
	buf   []byte
	cells []string
	width int // CSV input columns per output row; -1 until the first row
}

// answerColumns are the CSV columns of an answer, after the input's.
var answerColumns = []string{"ip", "found", "country_code", "country_name", "region", "city", "asn", "organization",
	"cidr", "connection_type", "is_vpn", "is_proxy", "is_tor", "is_relay", "is_hosting", "is_residential_proxy",
	"monitoring", "provider", "risk_score", "risk_level", "recommendation", "reasons", "request_id", "error"}

// answerHeader returns answerColumns, each one that an input column already
// uses (an input column named "ip" or "asn") prefixed with "ipintel_", so
// that no two output columns share a name.
func answerHeader(input []string) []string {
	taken := make(map[string]bool, len(input))
	for _, n := range input {
		taken[n] = true
	}
	out := make([]string, len(answerColumns))
	for i, n := range answerColumns {
		if taken[n] {
			n = "ipintel_" + n
		}
		out[i] = n
	}
	return out
}

func newEncoder(format string, w io.Writer, rd *reader) *encoder {
	bw := bufio.NewWriterSize(w, 64*1024)
	e := &encoder{bw: bw, width: -1}
	if format == "csv" {
		e.csv = csv.NewWriter(bw)
		if rd.column == "" {
			e.width = 1
			e.csv.Write(append([]string{"input"}, answerColumns...))
		}
	}
	return e
}

func (e *encoder) write(in row, r *ipintel.Result, lerr error) error {
	if e.csv == nil {
		return e.writeJSON(in, r, lerr)
	}
	return e.writeCSV(in, r, lerr)
}

// writeJSON writes {"input": …, "row": …, "error": …, <the Result's fields>}.
func (e *encoder) writeJSON(in row, r *ipintel.Result, lerr error) error {
	b := append(e.buf[:0], `{"input":`...)
	b = appendString(b, in.addr)
	if in.fields != nil {
		b = append(b, `,"row":`...)
		b = appendRow(b, in)
	}
	if lerr != nil {
		b = append(b, `,"error":`...)
		b = appendString(b, lerr.Error())
	}
	if r != nil {
		res, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if len(res) > 2 && res[0] == '{' {
			b = append(b, ',')
			b = append(b, res[1:]...)
		} else {
			b = append(b, `,"result":`...)
			b = append(b, res...)
			b = append(b, '}')
		}
	} else {
		b = append(b, '}')
	}
	b = append(b, '\n')
	e.buf = b
	_, err := e.bw.Write(b)
	return err
}

// appendRow writes a CSV record as an object keyed by the header, in
// column order, or as an array when there is no header.
func appendRow(b []byte, in row) []byte {
	if in.header == nil {
		b = append(b, '[')
		for i, f := range in.fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, f)
		}
		return append(b, ']')
	}
	b = append(b, '{')
	for i, f := range in.fields {
		if i > 0 {
			b = append(b, ',')
		}
		name := "column_" + strconv.Itoa(i+1)
		if i < len(in.header) && in.header[i] != "" {
			name = in.header[i]
		}
		b = appendString(b, name)
		b = append(b, ':')
		b = appendString(b, f)
	}
	return append(b, '}')
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

// writeCSV writes the input's columns, then the answer's.
func (e *encoder) writeCSV(in row, r *ipintel.Result, lerr error) error {
	cells := e.cells[:0]
	var problem string
	if in.fields == nil {
		cells = append(cells, in.addr)
	} else {
		if e.width < 0 { // the first row fixes the layout
			e.width = len(in.fields)
			names := in.header
			if names != nil {
				e.width = len(names)
			} else {
				for i := range e.width {
					names = append(names, "column_"+strconv.Itoa(i+1))
				}
			}
			if err := e.csv.Write(append(append([]string(nil), names...), answerHeader(names)...)); err != nil {
				return err
			}
		}
		fields := in.fields
		if len(fields) > e.width {
			problem = fmt.Sprintf("the row has %d fields, the header %d: the extra ones are not copied", len(fields), e.width)
			fields = fields[:e.width]
		}
		cells = append(cells, fields...)
		for len(cells) < e.width {
			cells = append(cells, "")
		}
	}
	if lerr != nil {
		for range len(answerColumns) - 1 {
			cells = append(cells, "")
		}
		cells = append(cells, joinProblems(lerr.Error(), problem))
	} else {
		cells = appendAnswer(cells, r, problem)
	}
	e.cells = cells
	return e.csv.Write(cells)
}

func appendAnswer(cells []string, r *ipintel.Result, problem string) []string {
	var g ipintel.Geo
	if r.Geo != nil {
		g = *r.Geo
	}
	var n ipintel.Network
	if r.Network != nil {
		n = *r.Network
	}
	codes := make([]string, len(r.Risk.Reasons))
	for i, rs := range r.Risk.Reasons {
		codes[i] = rs.Code
	}
	cidr := ""
	if n.CIDR.IsValid() {
		cidr = n.CIDR.String()
	}
	p := r.Privacy
	b := strconv.FormatBool
	return append(cells, r.Query.IP.String(), b(r.Meta.Found), g.CountryCode, g.CountryName, g.Region, g.City,
		n.ASN.String(), n.Organization, cidr, n.ConnectionType, b(p.IsVPN), b(p.IsProxy), b(p.IsTor),
		b(p.IsRelay), b(p.IsHosting), b(p.IsResidentialProxy), r.Monitoring.Provider, p.Provider,
		strconv.Itoa(r.Risk.Score), string(r.Risk.Level), string(r.Risk.Recommendation), strings.Join(codes, ";"),
		r.Query.RequestID.String(), problem)
}

func joinProblems(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}

func (e *encoder) flush() error {
	if e.csv != nil {
		e.csv.Flush()
		if err := e.csv.Error(); err != nil {
			return err
		}
	}
	return e.bw.Flush()
}

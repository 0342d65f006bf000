package mmdb

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ipintel/ipintel/source"
)

// Schema maps the fields of a database's records onto a [source.Record],
// for databases whose type ipintel does not know, or to read a known type
// differently (see [WithSchema]).
//
// Each field is a path into the record: map keys and array indexes joined
// by dots, as "country.iso_code", "subdivisions.0.names.en" or
// "subdivisions.-1.iso_code" (the last element). An empty path leaves the
// field unknown. Numbers, strings and booleans are converted as needed: an
// ASN may be a number or text like "AS13335"; InEU, a boolean.
type Schema struct {
	CountryCode    string
	CountryName    string
	Region         string
	RegionCode     string
	City           string
	PostalCode     string
	Timezone       string
	Continent      string
	InEU           string
	Latitude       string
	Longitude      string
	AccuracyRadius string

	ASN            string
	Organization   string
	ISP            string
	Domain         string
	ConnectionType string
	UsageType      string

	// Signals turn records into signals.
	Signals []SignalRule
}

// SignalRule makes a signal of one kind from a record.
type SignalRule struct {
	Kind source.Kind
	// If is the path of a boolean field: the signal is given when it is
	// true. Empty means every record in the database carries the signal —
	// a database that lists only relay egress networks, say.
	If string
	// Confidence is the signal's confidence, 0–100; zero means
	// [DefaultConfidence]. ConfidencePath, when set and present in a
	// record, overrides it with a number from the record.
	Confidence     int
	ConfidencePath string
	// Provider names the operator; ProviderPath, when present in a record,
	// overrides it.
	Provider     string
	ProviderPath string
	Category     string
	// LastSeenPath is a date ("2006-01-02"), an RFC 3339 time or Unix
	// seconds.
	LastSeenPath string
}

// path is a parsed field path.
type path []string

// compiledSchema is a validated Schema with its paths parsed.
type compiledSchema struct {
	geo     [12]path // in the order of geoFields
	net     [6]path  // in the order of netFields
	signals []compiledRule
}

type compiledRule struct {
	SignalRule
	cond, conf, provider, lastSeen path
}

func parsePath(field, s string) (path, error) {
	if s == "" {
		return nil, nil
	}
	p := strings.Split(s, ".")
	for _, seg := range p {
		if seg == "" {
			return nil, fmt.Errorf("%w: %s: empty element in path %q", errInvalidSchema, field, s)
		}
	}
	return p, nil
}

func (s *Schema) compile() (*compiledSchema, error) {
	c := &compiledSchema{}
	geo := [...]struct {
		name, path string
	}{
		{"CountryCode", s.CountryCode}, {"CountryName", s.CountryName}, {"Region", s.Region},
		{"RegionCode", s.RegionCode}, {"City", s.City}, {"PostalCode", s.PostalCode},
		{"Timezone", s.Timezone}, {"Continent", s.Continent}, {"InEU", s.InEU},
		{"Latitude", s.Latitude}, {"Longitude", s.Longitude}, {"AccuracyRadius", s.AccuracyRadius},
	}
	var err error
	mapped := false
	for i, f := range geo {
		if c.geo[i], err = parsePath(f.name, f.path); err != nil {
			return nil, err
		}
		mapped = mapped || c.geo[i] != nil
	}
	nets := [...]struct {
		name, path string
	}{
		{"ASN", s.ASN}, {"Organization", s.Organization}, {"ISP", s.ISP},
		{"Domain", s.Domain}, {"ConnectionType", s.ConnectionType}, {"UsageType", s.UsageType},
	}
	for i, f := range nets {
		if c.net[i], err = parsePath(f.name, f.path); err != nil {
			return nil, err
		}
		mapped = mapped || c.net[i] != nil
	}
	for i, r := range s.Signals {
		if !r.Kind.Valid() {
			return nil, fmt.Errorf("%w: Signals[%d]: %v", errInvalidSchema, i, r.Kind)
		}
		if r.Confidence < 0 || r.Confidence > 100 {
			return nil, fmt.Errorf("%w: Signals[%d]: confidence %d outside 0–100", errInvalidSchema, i, r.Confidence)
		}
		cr := compiledRule{SignalRule: r}
		for _, p := range [...]struct {
			dst  *path
			name string
			src  string
		}{
			{&cr.cond, "If", r.If}, {&cr.conf, "ConfidencePath", r.ConfidencePath},
			{&cr.provider, "ProviderPath", r.ProviderPath}, {&cr.lastSeen, "LastSeenPath", r.LastSeenPath},
		} {
			if *p.dst, err = parsePath(fmt.Sprintf("Signals[%d].%s", i, p.name), p.src); err != nil {
				return nil, err
			}
		}
		if cr.Confidence == 0 {
			cr.Confidence = DefaultConfidence
		}
		c.signals = append(c.signals, cr)
		mapped = true
	}
	if !mapped {
		return nil, fmt.Errorf("%w: it maps no field and no signal", errInvalidSchema)
	}
	return c, nil
}

// build fills e from a record decoded into Go values (maps, slices and
// scalars as maxminddb decodes into any).
func (c *compiledSchema) build(e *entry, v any, s *signalSet) {
	str := func(p path) string { return asString(walk(v, p)) }
	var g source.Geo
	for i, dst := range [...]*string{
		&g.CountryCode, &g.CountryName, &g.Region, &g.RegionCode, &g.City,
		&g.PostalCode, &g.Timezone, &g.Continent,
	} {
		*dst = str(c.geo[i])
	}
	g.InEU, _ = walk(v, c.geo[8]).(bool)
	lat, lon, rad := asNumber(walk(v, c.geo[9])), asNumber(walk(v, c.geo[10])), asNumber(walk(v, c.geo[11]))
	g.Coordinates = coordinates(lat, lon, rad)
	if g != (source.Geo{}) {
		e.geo = &g
	}

	var n network
	n.ASN = asASN(walk(v, c.net[0]))
	n.Organization = str(c.net[1])
	n.ISP = str(c.net[2])
	n.Domain = str(c.net[3])
	n.ConnectionType = str(c.net[4])
	n.UserType = str(c.net[5])
	e.network = n.build()

	for _, r := range c.signals {
		if r.cond != nil {
			if on, _ := walk(v, r.cond).(bool); !on {
				continue
			}
		}
		conf := r.Confidence
		if x := asNumber(walk(v, r.conf)); x.set {
			conf = clampConfidence(x.v)
		}
		provider := r.Provider
		if p := str(r.provider); p != "" {
			provider = p
		}
		seen := walk(v, r.lastSeen)
		if x := asNumber(seen); x.set {
			seen = strconv.FormatFloat(x.v, 'f', 0, 64)
		}
		s.add(r.Kind, conf, provider, r.Category, parseTime(asString(seen)))
	}
}

// walk follows p through v; nil when any step is missing.
func walk(v any, p path) any {
	if p == nil {
		return nil
	}
	for _, seg := range p {
		switch x := v.(type) {
		case map[string]any:
			v = x[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil {
				return nil
			}
			if i < 0 {
				i += len(x)
			}
			if i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func asString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil, map[string]any, []any, []byte:
		return ""
	}
	if n := asNumber(v); n.set {
		return strconv.FormatFloat(n.v, 'f', -1, 64)
	}
	return ""
}

func asNumber(v any) number {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case float32:
		f = float64(x)
	case int:
		f = float64(x)
	case int32:
		f = float64(x)
	case int64:
		f = float64(x)
	case uint:
		f = float64(x)
	case uint16:
		f = float64(x)
	case uint32:
		f = float64(x)
	case uint64:
		f = float64(x)
	case string:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(x), 64); err != nil {
			return number{}
		}
	default:
		return number{}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return number{}
	}
	return number{f, true}
}

func asASN(v any) asn {
	if s, ok := v.(string); ok {
		a, err := source.ParseASN(strings.TrimSpace(s))
		if err != nil {
			return 0
		}
		return asn(a)
	}
	if n := asNumber(v); n.set && n.v > 0 && n.v <= math.MaxUint32 {
		return asn(uint32(n.v))
	}
	return 0
}

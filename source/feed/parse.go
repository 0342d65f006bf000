package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ipintel/ipintel/cidr"
	"github.com/ipintel/ipintel/internal/prefixtable"
	"github.com/ipintel/ipintel/source"
)

// entry is what one prefix of a feed says: a signal and, for geofeeds, a
// location. Entries are compared by value and stored once.
type entry struct {
	sig source.Signal
	geo *source.Geo
}

// parser turns feed content into a table builder and its entries.
type parser struct {
	spec    Spec
	base    source.Signal
	b       prefixtable.Builder[uint32]
	entries []entry
	index   map[entry]uint32
	geos    map[source.Geo]*source.Geo
	stats   Stats
	buf     []netip.Prefix
	// maxEntries bounds the prefixes the content may expand to; tooMany
	// is set when it would have gone past.
	maxEntries int
	tooMany    bool

	// An exit listed more than once keeps its latest time.
	torSeen  map[string]time.Time
	torOrder []torExit
}

type torExit struct {
	line int
	ip   string
}

func newParser(spec Spec) *parser {
	return &parser{
		spec: spec,
		base: source.Signal{
			Kind:       spec.Kind,
			Confidence: spec.confidence(),
			Provider:   spec.Provider,
			Source:     spec.Name,
			Category:   spec.Category,
		},
		index: make(map[entry]uint32),
		geos:  make(map[source.Geo]*source.Geo),
	}
}

// parse reads data in the spec's format, detecting it when zero.
func parse(data []byte, spec Spec) (*parser, error) {
	p := newParser(spec)
	p.stats.Bytes = int64(len(data))
	p.maxEntries = maxEntries(len(data))
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	f := spec.Format
	if f == Detect {
		f = detect(data)
	}
	p.stats.Format = f
	if p.base.Provider == "" {
		p.base.Provider = defaultProvider[f]
	}
	var err error
	switch f {
	case Plain:
		p.lines(data, p.plainLine)
	case Geofeed:
		p.lines(data, p.geofeedLine)
	case TorExitAddresses:
		p.lines(data, p.torLine)
		p.torFlush()
	case VPNGate:
		p.lines(data, p.vpnGateLine)
	case Mullvad, NordVPN, ProtonVPN, PIA, Windscribe, AirVPN, IVPN, Onionoo:
		err = p.serverList(data, f)
	default:
		err = p.cloud(data, f)
	}
	if err != nil {
		return p, err
	}
	if p.tooMany {
		return p, fmt.Errorf("%w: its entries expand to more than %d prefixes (one a byte)", errTooLarge, p.maxEntries)
	}
	if p.stats.Entries == 0 {
		return p, errNoEntries
	}
	return p, nil
}

// maxEntries is how many prefixes content of n bytes may expand to: one a
// byte, beside a constant for short files of long ranges. The densest
// real lists have one per 5 to 8 bytes (an address a line) and a file of
// unaligned IPv4 ranges about 0.8; but a 51-byte range line can split into
// 190 IPv6 prefixes, and a MaxBytes-sized file of them took ~50 GB of
// allocations and minutes of CPU to build.
func maxEntries(n int) int { return n + 1<<16 }

var defaultProvider = map[Format]string{
	AWS:        "AWS",
	GCP:        "Google Cloud",
	Azure:      "Microsoft Azure",
	Oracle:     "Oracle Cloud",
	Cloudflare: "Cloudflare",
	Mullvad:    "Mullvad",
	NordVPN:    "NordVPN",
	ProtonVPN:  "ProtonVPN",
	PIA:        "Private Internet Access",
	Windscribe: "Windscribe",
	AirVPN:     "AirVPN",
	IVPN:       "IVPN",
	VPNGate:    "VPN Gate",
	Onionoo:    "Tor Project",
}

// detect sniffs the format from the first meaningful line.
func detect(data []byte) Format {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var probe struct {
			Prefixes     []map[string]json.RawMessage `json:"prefixes"`
			IPv6Prefixes json.RawMessage              `json:"ipv6_prefixes"`
			Values       json.RawMessage              `json:"values"`
			Regions      json.RawMessage              `json:"regions"`
			Result       json.RawMessage              `json:"result"`
		}
		if json.Unmarshal(trimmed, &probe) != nil {
			return AWS // not JSON: the JSON decoder reports errFormat
		}
		switch {
		case probe.Values != nil:
			return Azure
		case probe.Regions != nil:
			return Oracle
		case probe.Result != nil:
			return Cloudflare
		case probe.IPv6Prefixes != nil:
			return AWS
		}
		for _, p := range probe.Prefixes {
			if _, ok := p["ipv4Prefix"]; ok {
				return GCP
			}
			if _, ok := p["ipv6Prefix"]; ok {
				return GCP
			}
		}
		return AWS
	}
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte("\n"))
		s := strings.TrimSpace(string(line))
		if s == "" || s[0] == '#' || s[0] == ';' || strings.HasPrefix(s, "//") {
			continue
		}
		if strings.HasPrefix(s, "ExitNode ") {
			return TorExitAddresses
		}
		fields := strings.SplitN(s, ",", 3) // not every field of a hostile line
		if len(fields) >= 2 {
			if _, _, err := cidr.ParsePrefix(strings.TrimSpace(fields[0])); err == nil {
				cc := strings.TrimSpace(fields[1])
				if cc == "" || (len(cc) == 2 && isAlpha(cc)) {
					return Geofeed
				}
			}
		}
		return Plain
	}
	return Plain
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// lines calls fn for each line with its 1-based number, CR removed. The
// content is converted to a string once, so lines cost no allocation.
func (p *parser) lines(data []byte, fn func(n int, s string)) {
	text := string(data)
	n := 0
	for len(text) > 0 && !p.tooMany {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		n++
		p.stats.Lines++
		fn(n, strings.TrimSuffix(line, "\r"))
	}
}

// stripComment removes a "#", ";" or "//" comment and surrounding blanks.
func stripComment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, "//"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func (p *parser) plainLine(n int, s string) {
	s = stripComment(s)
	if s == "" {
		return
	}
	raw := s
	if i := strings.IndexByte(s, ','); i >= 0 { // CSV: the first field
		s = strings.TrimSpace(s[:i])
	}
	p.add(n, raw, entryText(s), p.base, nil)
}

// entryText returns the entry at the start of a list line: a range written
// with spaces ("a - b", "a- b", "a -b") joined as "a-b", or else the first
// word, so that a description after the address ("1.2.3.4 some-host") is
// dropped rather than read as a range.
func entryText(s string) string {
	first, rest := cutWord(s)
	if rest == "" {
		return first
	}
	if strings.HasSuffix(first, "-") { // "a- b"
		second, _ := cutWord(rest)
		return first + second
	}
	if after, ok := strings.CutPrefix(rest, "-"); ok { // "a - b", "a -b"
		second, _ := cutWord(strings.TrimLeft(after, " \t"))
		return first + "-" + second
	}
	return first
}

// cutWord splits s at its first blank: the word, and the rest without
// leading blanks.
func cutWord(s string) (word, rest string) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}

func (p *parser) geofeedLine(n int, s string) {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	if strings.TrimSpace(s) == "" {
		return
	}
	// The five RFC 8805 fields and the rest unsplit: splitting a hostile
	// line of commas into every field would cost 16 bytes a comma.
	f := strings.SplitN(s, ",", 6)
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	for len(f) < 5 {
		f = append(f, "")
	}
	cc := strings.ToUpper(f[1])
	if cc != "" && (len(cc) != 2 || !isAlpha(cc)) {
		p.skip(n, s, fmt.Errorf("%w: country %q is not an ISO 3166-1 alpha-2 code", errFormat, clip(f[1])))
		return
	}
	g := source.Geo{CountryCode: cc, City: f[3], PostalCode: f[4]}
	// RFC 8805 regions are ISO 3166-2 codes, "US-TX"; Geo keeps "TX".
	if region := strings.ToUpper(f[2]); region != "" {
		if c, sub, ok := strings.Cut(region, "-"); ok && (cc == "" || c == cc) {
			g.RegionCode = sub
		} else {
			g.RegionCode = region
		}
	}
	var geo *source.Geo
	if g != (source.Geo{}) {
		// The network's own statement of where the prefix is.
		g.Authoritative = true
		geo = p.internGeo(g)
	}
	p.add(n, s, f[0], p.base, geo)
}

// internGeo returns the one stored copy of g, making it the first time.
// Its strings are cloned: they may point into the whole file's text.
func (p *parser) internGeo(g source.Geo) *source.Geo {
	if geo := p.geos[g]; geo != nil {
		return geo
	}
	kept := g
	kept.CountryCode = strings.Clone(g.CountryCode)
	kept.RegionCode = strings.Clone(g.RegionCode)
	kept.City = strings.Clone(g.City)
	kept.PostalCode = strings.Clone(g.PostalCode)
	geo := &kept
	p.geos[kept] = geo
	return geo
}

// torTime is the layout of TorDNSEL timestamps, in UTC.
const torTime = "2006-01-02 15:04:05"

func (p *parser) torLine(n int, s string) {
	s = strings.TrimSpace(s)
	if s == "" || s[0] == '#' {
		return
	}
	key, rest, _ := strings.Cut(s, " ")
	switch key {
	case "ExitNode", "Published", "LastStatus":
		return
	case "ExitAddress":
	default:
		p.skip(n, s, fmt.Errorf("%w: unknown keyword %q", errFormat, clip(key)))
		return
	}
	ip, when, _ := strings.Cut(strings.TrimSpace(rest), " ")
	var t time.Time
	if when != "" {
		var err error
		t, err = time.ParseInLocation(torTime, strings.TrimSpace(when), time.UTC)
		if err != nil {
			p.skip(n, s, fmt.Errorf("%w: bad ExitAddress time", errFormat))
			return
		}
	}
	if p.torSeen == nil {
		p.torSeen = make(map[string]time.Time)
	}
	if prev, ok := p.torSeen[ip]; !ok {
		p.torOrder = append(p.torOrder, torExit{n, ip})
		p.torSeen[ip] = t
	} else if t.After(prev) {
		p.torSeen[ip] = t
	}
}

// torFlush adds each exit once, with its latest ExitAddress time.
func (p *parser) torFlush() {
	for _, e := range p.torOrder {
		sig := p.base
		sig.LastSeen = p.torSeen[e.ip]
		p.add(e.line, "ExitAddress "+e.ip, e.ip, sig, nil)
	}
}

// add parses text as an address, prefix or range and records it.
// A malformed entry is reported with raw, the line it came from.
func (p *parser) add(n int, raw, text string, sig source.Signal, geo *source.Geo) {
	ps, masked, err := cidr.Parse(p.buf[:0], text)
	p.buf = ps[:0]
	if err != nil {
		p.skip(n, raw, err)
		return
	}
	if p.stats.Entries+len(ps) > p.maxEntries {
		p.tooMany = true
		return
	}
	if masked {
		p.stats.Masked++
	}
	e := entry{sig, geo}
	id, ok := p.index[e]
	if !ok {
		id = uint32(len(p.entries))
		p.entries = append(p.entries, e)
		p.index[e] = id
	}
	for _, pfx := range ps {
		if isShort(pfx) {
			p.stats.Short++
		}
		p.b.Add(pfx, id)
		p.stats.Entries++
	}
}

func isShort(p netip.Prefix) bool {
	if p.Addr().Is4() {
		return p.Bits() < 8
	}
	return p.Bits() < 16
}

// clip cuts a field quoted in an error to 32 bytes, so that the errors
// Stats keep never hold a whole hostile line.
func clip(s string) string {
	if len(s) <= 32 {
		return s
	}
	s = s[:32]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// skip counts a malformed line and keeps the first few.
func (p *parser) skip(n int, text string, err error) {
	p.stats.Skipped++
	if len(p.stats.Malformed) < maxLineErrors {
		if len(text) > 80 {
			text = text[:80]
			for !utf8.ValidString(text) {
				text = text[:len(text)-1]
			}
		}
		p.stats.Malformed = append(p.stats.Malformed, LineError{Line: n, Text: strings.Clone(text), Err: err})
	}
}

// cloudDoc is the union of the cloud providers' JSON layouts.
type cloudDoc struct {
	Prefixes     []cloudPrefix `json:"prefixes"`      // AWS, GCP
	IPv6Prefixes []cloudPrefix `json:"ipv6_prefixes"` // AWS
	Values       []struct {    // Azure
		Name       string `json:"name"`
		Properties struct {
			Region          string   `json:"region"`
			SystemService   string   `json:"systemService"`
			AddressPrefixes []string `json:"addressPrefixes"`
		} `json:"properties"`
	} `json:"values"`
	Regions []struct { // Oracle
		Region string `json:"region"`
		CIDRs  []struct {
			CIDR string   `json:"cidr"`
			Tags []string `json:"tags"`
		} `json:"cidrs"`
	} `json:"regions"`
	Result *struct { // Cloudflare
		IPv4 []string `json:"ipv4_cidrs"`
		IPv6 []string `json:"ipv6_cidrs"`
	} `json:"result"`
}

type cloudPrefix struct {
	AWS4    string `json:"ip_prefix"`
	AWS6    string `json:"ipv6_prefix"`
	GCP4    string `json:"ipv4Prefix"`
	GCP6    string `json:"ipv6Prefix"`
	Region  string `json:"region"`
	Border  string `json:"network_border_group"` // AWS
	Scope   string `json:"scope"`
	Service string `json:"service"`
}

func (p *parser) cloud(data []byte, f Format) error {
	var doc cloudDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%w: %s JSON: %v", errFormat, f, err)
	}
	n := 0
	// geo is the region's location (nil when unknown or global).
	addAll := func(cat string, geo *source.Geo, texts ...string) {
		sig := p.base
		sig.Category = p.category(cat)
		for _, t := range texts {
			if t == "" {
				continue
			}
			n++
			p.stats.Lines++
			p.add(n, t, strings.TrimSpace(t), sig, geo)
		}
	}
	switch f {
	case AWS:
		for _, e := range append(doc.Prefixes, doc.IPv6Prefixes...) {
			addAll(join(e.Service, e.Region), p.regionGeo(f, e.Region, e.Border), e.AWS4, e.AWS6)
		}
	case GCP:
		for _, e := range doc.Prefixes {
			addAll(join(e.Service, e.Scope), p.regionGeo(f, e.Scope, ""), e.GCP4, e.GCP6)
		}
	case Azure:
		for _, v := range doc.Values {
			addAll(v.Name, p.regionGeo(f, v.Properties.Region, ""), v.Properties.AddressPrefixes...)
		}
	case Oracle:
		for _, r := range doc.Regions {
			geo := p.regionGeo(f, r.Region, "")
			for _, c := range r.CIDRs {
				tags := c.Tags
				if len(tags) == 0 {
					tags = []string{""}
				}
				for _, tag := range tags {
					addAll(join(tag, r.Region), geo, c.CIDR)
				}
			}
		}
	case Cloudflare:
		if doc.Result != nil {
			addAll("", nil, doc.Result.IPv4...)
			addAll("", nil, doc.Result.IPv6...)
		}
	default:
		return fmt.Errorf("%w: unknown %v", errInvalidSpec, f)
	}
	return nil
}

// join makes "service/region", leaving out an empty part.
func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "/" + b
}

// category prefixes a per-entry category with the spec's.
func (p *parser) category(c string) string { return join(p.spec.Category, c) }

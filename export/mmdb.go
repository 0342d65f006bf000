package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"reflect"
	"strings"

	"github.com/ipintel/ipintel/source"
	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/inserter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// DatabaseType is the database_type an MMDB is written with. It decides
// which fields its records hold and which typed readers open it: readers
// such as geoip2-golang's accept a fixed list of type names and refuse the
// rest, and no one name opens a file with the Country, ASN and
// Anonymous-IP readers at once.
type DatabaseType string

// The types [Table.WriteMMDB] writes.
const (
	// Enterprise holds every field (see the package doc): GeoIP2's
	// country, continent and registered_country; the AS number and
	// organisation and the anonymity flags both at the top level (as the
	// ASN and Anonymous-IP databases have them) and under traits (as the
	// Enterprise database has them); and ipintel's own under ipintel.
	// geoip2-golang opens it with Enterprise, City and Country;
	// Elasticsearch's and Logstash's geoip processors read it as an
	// Enterprise database; nginx, libmaxminddb (mmdblookup) and the
	// generic readers read any field by path.
	Enterprise DatabaseType = "GeoIP2-Enterprise"
	// Country holds country, continent and registered_country only: a
	// GeoLite2-Country drop-in, smaller than Enterprise.
	Country DatabaseType = "GeoLite2-Country"
	// ASN holds autonomous_system_number and
	// autonomous_system_organization only: a GeoLite2-ASN drop-in.
	ASN DatabaseType = "GeoLite2-ASN"
	// AnonymousIP holds the ranges with a VPN, proxy, Tor, relay, hosting
	// or monitoring signal: GeoIP2-Anonymous-IP's flags plus ipintel's own
	// under ipintel (is_relay, provider, confidence, monitoring). A drop-in
	// for GeoIP2 Anonymous IP.
	AnonymousIP DatabaseType = "GeoIP2-Anonymous-IP"
)

// databaseTypes lists the types WriteMMDB accepts.
func databaseTypes() []DatabaseType { return []DatabaseType{Enterprise, Country, ASN, AnonymousIP} }

// errInvalidType is returned by WriteMMDB for a type it does not write.
var errInvalidType = fmt.Errorf("export: %w: database type (want one of %s, %s, %s, %s)", source.ErrInvalidOption, Enterprise, Country, ASN, AnonymousIP)

// project returns the part of e a database of type typ holds, and whether
// it holds anything.
func project(typ DatabaseType, e *Entry) (Entry, bool) {
	switch typ {
	case Enterprise:
		return *e, true
	case Country:
		p := Entry{CountryCode: e.CountryCode, CountryName: e.CountryName, Continent: e.Continent, InEU: e.InEU}
		return p, p.CountryCode != "" || p.Continent != ""
	case ASN:
		p := Entry{ASN: e.ASN, Organization: e.Organization}
		return p, p.ASN != 0 || p.Organization != ""
	case AnonymousIP:
		p := Entry{
			IsVPN: e.IsVPN, IsProxy: e.IsProxy, IsResidentialProxy: e.IsResidentialProxy, IsTor: e.IsTor,
			IsRelay: e.IsRelay, IsHosting: e.IsHosting, Provider: e.Provider, Confidence: e.Confidence,
			Monitoring: e.Monitoring, MonitoringProvider: e.MonitoringProvider,
			MonitoringCategory: e.MonitoringCategory, MonitoringConfidence: e.MonitoringConfidence,
		}
		return p, p.isAnonymous() || p.IsRelay || p.IsHosting || p.Monitoring
	}
	return Entry{}, false
}

// WriteMMDB writes the table as a MaxMind DB of type typ to w and returns
// the bytes written. The file is an IPv6 database with IPv4 in ::/96 and
// the usual IPv4 aliases (::ffff:0:0/96, 2001::/32, 2002::/16), record
// size 28, build epoch the table's build time, languages "en", and a
// description naming the sources and the licences and attributions of
// their data. Adjacent ranges whose records are equal for typ are written
// as one.
func (t *Table) WriteMMDB(w io.Writer, typ DatabaseType) (int64, error) {
	n, err := t.writeMMDB(context.Background(), w, typ, nil)
	if err != nil && !errors.Is(err, errInvalidType) {
		err = fmt.Errorf("export: %w", err)
	}
	return n, err
}

func (t *Table) writeMMDB(ctx context.Context, w io.Writer, typ DatabaseType, progress func(Progress)) (int64, error) {
	if !validType(typ) {
		return 0, fmt.Errorf("%w: %q", errInvalidType, typ)
	}
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType: string(typ),
		BuildEpoch:   t.built.Unix(),
		Description:  map[string]string{"en": t.description(typ)},
		Languages:    []string{"en"},
		// The Table leaves out the special-purpose networks itself; the
		// writer's own list is older than the Client's.
		IncludeReservedNetworks: true,
		// The IPv4 aliases stay, as in MaxMind's own databases: an
		// IPv4-mapped address (::ffff:8.8.8.8, which the Client answers
		// as 8.8.8.8) finds its record in readers that do not unmap it.
		// 6to4 (2002::/16) and Teredo (2001::/32) addresses, which the
		// Client refuses as reserved, then answer with the IPv4 address
		// they embed: more than Lookup, never less.
		KeyGenerator: identityKeys{},
	})
	if err != nil {
		return 0, fmt.Errorf("mmdb: %w", err)
	}
	// One record value per distinct projection, so equal records are one
	// value in the file and identityKeys can key them by identity.
	values := make([]mmdbtype.DataType, len(t.entries)) // by entry; nil: none
	byProjection := map[Entry]mmdbtype.DataType{}
	b := records{typ: typ, cache: map[any]mmdbtype.DataType{}}
	for i := 1; i < len(t.entries); i++ {
		p, ok := project(typ, &t.entries[i])
		if !ok {
			continue
		}
		v, seen := byProjection[p]
		if !seen {
			v = b.record(&p)
			byProjection[p] = v
		}
		values[i] = v
	}
	n := 0
	// One network and prefix buffer for every insert: the writer copies
	// what it keeps.
	var prefixes []netip.Prefix
	var ipnet net.IPNet
	var ipbuf [16]byte
	var masks [129]net.IPMask
	for f, rs := range [2][]ival{t.r4, t.r6} {
		fam := v4
		if f == 1 {
			fam = v6
		}
		width := fam.width()
		for bits := range width + 1 {
			masks[bits] = net.CIDRMask(bits, width)
		}
		var run ival // the pending run of ranges with one value
		var runValue mmdbtype.DataType
		flush := func() error {
			if runValue == nil {
				return nil
			}
			prefixes = appendPrefixes(prefixes[:0], fam, run)
			replace := inserter.ReplaceWith(runValue)
			for _, p := range prefixes {
				if fam.is6 {
					ipbuf = p.Addr().As16()
					ipnet.IP = ipbuf[:16]
				} else {
					a := p.Addr().As4()
					ipnet.IP = append(ipbuf[:0], a[:]...)
				}
				ipnet.Mask = masks[p.Bits()]
				if err := tree.InsertFunc(&ipnet, replace); err != nil {
					return fmt.Errorf("mmdb: inserting %s: %w", p, err)
				}
				if n++; n%(1<<14) == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
					if progress != nil && n%(1<<18) == 0 {
						progress(Progress{Stage: "write", Count: n})
					}
				}
			}
			return nil
		}
		for _, r := range rs {
			v := values[r.v]
			if v != nil && sameValue(v, runValue) {
				if next, ok := fam.inc(run.hi); ok && next == r.lo {
					run.hi = r.hi
					continue
				}
			}
			if err := flush(); err != nil {
				return 0, err
			}
			run, runValue = r, v
		}
		if err := flush(); err != nil {
			return 0, err
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	written, err := tree.WriteTo(w)
	if err != nil {
		return written, fmt.Errorf("mmdb: %w", err)
	}
	if progress != nil {
		progress(Progress{Stage: "write", Count: n, Done: true})
	}
	return written, nil
}

// sameValue reports whether a and b are the same record value (the same
// map).
func sameValue(a, b mmdbtype.DataType) bool {
	if a == nil || b == nil {
		return false
	}
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// identityKeys keys record values by identity: WriteMMDB makes one value
// per distinct record, so equal identity is equal content and the writer
// need not serialise and hash every value it is given (its default).
type identityKeys struct{}

func (identityKeys) Key(v mmdbtype.DataType) ([]byte, error) {
	m, ok := v.(mmdbtype.Map)
	if !ok {
		return nil, fmt.Errorf("mmdb: unexpected record value %T", v)
	}
	p := uint64(uintptr(reflect.ValueOf(m).UnsafePointer()))
	return []byte{byte(p), byte(p >> 8), byte(p >> 16), byte(p >> 24), byte(p >> 32), byte(p >> 40), byte(p >> 48), byte(p >> 56)}, nil
}

// records builds the MMDB records of projected entries. Sub-records
// (country, continent, flags, traits, ipintel's own…) are made once per
// distinct value and shared: a Go map costs hundreds of bytes, and the
// Enterprise type has a hundred thousand records of a dozen maps each.
type records struct {
	typ   DatabaseType
	cache map[any]mmdbtype.DataType
}

// shared returns the value made by mk for key, making it once.
func (b *records) shared(key any, mk func() mmdbtype.DataType) mmdbtype.DataType {
	if v, ok := b.cache[key]; ok {
		return v
	}
	v := mk()
	b.cache[key] = v
	return v
}

type (
	continentKey struct{ code string }
	countryKey   struct {
		code, name string
		inEU       bool
	}
	flagsKey       struct{ anonymous, vpn, hosting, proxy, residential, tor bool }
	subdivisionKey struct{ code, name string }
	cityKey        struct{ name string }
	postalKey      struct{ code string }
	locationKey    struct {
		lat, lon float64
		radius   int
		tz       string
	}
	traitsKey struct {
		flags            flagsKey
		asn              uint32
		org, isp, domain string
	}
	ownKey struct{ e Entry }
)

func flagsOf(e *Entry) flagsKey {
	return flagsKey{e.isAnonymous(), e.IsVPN, e.IsHosting, e.IsProxy, e.IsResidentialProxy, e.IsTor}
}

// record builds the MMDB record of one (projected) entry.
func (b *records) record(e *Entry) mmdbtype.Map {
	typ := b.typ
	m := mmdbtype.Map{}
	if typ == Enterprise || typ == Country {
		if e.Continent != "" {
			m["continent"] = b.shared(continentKey{e.Continent}, func() mmdbtype.DataType {
				c := mmdbtype.Map{"code": mmdbtype.String(e.Continent)}
				if name := continentNames[e.Continent]; name != "" {
					c["names"] = mmdbtype.Map{"en": mmdbtype.String(name)}
				}
				return c
			})
		}
		if e.CountryCode != "" {
			c := b.shared(countryKey{e.CountryCode, e.CountryName, e.InEU}, func() mmdbtype.DataType {
				c := mmdbtype.Map{"iso_code": mmdbtype.String(e.CountryCode)}
				if e.CountryName != "" {
					c["names"] = mmdbtype.Map{"en": mmdbtype.String(e.CountryName)}
				}
				if e.InEU {
					c["is_in_european_union"] = mmdbtype.Bool(true)
				}
				return c
			})
			m["country"] = c
			// ipintel knows one country per address; registered_country
			// repeats it for configurations that read that field.
			m["registered_country"] = c
		}
	}
	if typ == Enterprise {
		if e.Region != "" || e.RegionCode != "" {
			m["subdivisions"] = b.shared(subdivisionKey{e.RegionCode, e.Region}, func() mmdbtype.DataType {
				s := mmdbtype.Map{}
				if e.RegionCode != "" {
					s["iso_code"] = mmdbtype.String(e.RegionCode)
				}
				if e.Region != "" {
					s["names"] = mmdbtype.Map{"en": mmdbtype.String(e.Region)}
				}
				return mmdbtype.Slice{s}
			})
		}
		if e.City != "" {
			m["city"] = b.shared(cityKey{e.City}, func() mmdbtype.DataType {
				return mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String(e.City)}}
			})
		}
		if e.PostalCode != "" {
			m["postal"] = b.shared(postalKey{e.PostalCode}, func() mmdbtype.DataType {
				return mmdbtype.Map{"code": mmdbtype.String(e.PostalCode)}
			})
		}
		if e.Latitude != 0 || e.Longitude != 0 || e.Timezone != "" {
			m["location"] = b.shared(locationKey{e.Latitude, e.Longitude, e.AccuracyRadius, e.Timezone}, func() mmdbtype.DataType {
				loc := mmdbtype.Map{}
				if e.Latitude != 0 || e.Longitude != 0 {
					loc["latitude"], loc["longitude"] = mmdbtype.Float64(e.Latitude), mmdbtype.Float64(e.Longitude)
					if e.AccuracyRadius > 0 {
						loc["accuracy_radius"] = mmdbtype.Uint16(min(e.AccuracyRadius, 1<<16-1))
					}
				}
				if e.Timezone != "" {
					loc["time_zone"] = mmdbtype.String(e.Timezone)
				}
				return loc
			})
		}
	}
	if typ == Enterprise || typ == ASN {
		if e.ASN != 0 {
			m["autonomous_system_number"] = mmdbtype.Uint32(e.ASN)
		}
		if e.Organization != "" {
			m["autonomous_system_organization"] = mmdbtype.String(e.Organization)
		}
	}
	if typ == Enterprise || typ == AnonymousIP {
		flags := flagsOf(e)
		for k, v := range anonymityFlags(flags) {
			m[k] = v
		}
		own := b.shared(ownKey{ownFields(typ, e)}, func() mmdbtype.DataType { return ipintelFields(typ, e) })
		if len(own.(mmdbtype.Map)) > 0 {
			m["ipintel"] = own
		}
		if typ == Enterprise {
			traits := b.shared(traitsKey{flags, uint32(e.ASN), e.Organization, e.ISP, e.Domain}, func() mmdbtype.DataType {
				traits := anonymityFlags(flags)
				if e.ASN != 0 {
					traits["autonomous_system_number"] = mmdbtype.Uint32(e.ASN)
				}
				for k, v := range map[mmdbtype.String]string{
					"autonomous_system_organization": e.Organization,
					"organization":                   e.Organization,
					"isp":                            e.ISP,
					"domain":                         e.Domain,
				} {
					if v != "" {
						traits[k] = mmdbtype.String(v)
					}
				}
				return traits
			})
			if len(traits.(mmdbtype.Map)) > 0 {
				m["traits"] = traits
			}
		}
	}
	return m
}

// anonymityFlags are GeoIP2 Anonymous-IP's flags; only true ones are
// written, as GeoIP2 databases do.
func anonymityFlags(f flagsKey) mmdbtype.Map {
	m := mmdbtype.Map{}
	for k, v := range map[mmdbtype.String]bool{
		"is_anonymous":         f.anonymous,
		"is_anonymous_vpn":     f.vpn,
		"is_hosting_provider":  f.hosting,
		"is_public_proxy":      f.proxy,
		"is_residential_proxy": f.residential,
		"is_tor_exit_node":     f.tor,
	} {
		if v {
			m[k] = mmdbtype.Bool(true)
		}
	}
	return m
}

// ownFields is the part of e that ipintelFields writes, as a key.
func ownFields(typ DatabaseType, e *Entry) Entry {
	o := Entry{IsRelay: e.IsRelay, Provider: e.Provider, Confidence: e.Confidence, Monitoring: e.Monitoring,
		MonitoringProvider: e.MonitoringProvider, MonitoringCategory: e.MonitoringCategory,
		MonitoringConfidence: e.MonitoringConfidence}
	if typ == Enterprise {
		o.IsAbuser, o.IsBot, o.ConnectionType, o.UsageType = e.IsAbuser, e.IsBot, e.ConnectionType, e.UsageType
		o.RiskScore, o.RiskLevel = e.RiskScore, e.RiskLevel
	}
	return o
}

// ipintelFields are ipintel's own fields, under "ipintel".
func ipintelFields(typ DatabaseType, e *Entry) mmdbtype.Map {
	m := mmdbtype.Map{}
	setBool := func(k mmdbtype.String, v bool) {
		if v {
			m[k] = mmdbtype.Bool(true)
		}
	}
	setString := func(k mmdbtype.String, v string) {
		if v != "" {
			m[k] = mmdbtype.String(v)
		}
	}
	setBool("is_relay", e.IsRelay)
	setString("provider", e.Provider)
	if e.Confidence > 0 {
		m["confidence"] = mmdbtype.Uint16(e.Confidence)
	}
	if e.Monitoring {
		mon := mmdbtype.Map{"detected": mmdbtype.Bool(true), "confidence": mmdbtype.Uint16(e.MonitoringConfidence)}
		if e.MonitoringProvider != "" {
			mon["provider"] = mmdbtype.String(e.MonitoringProvider)
		}
		if e.MonitoringCategory != "" {
			mon["category"] = mmdbtype.String(e.MonitoringCategory)
		}
		m["monitoring"] = mon
	}
	if typ == Enterprise {
		setBool("is_abuser", e.IsAbuser)
		setBool("is_bot", e.IsBot)
		setString("connection_type", e.ConnectionType)
		setString("usage_type", e.UsageType)
		m["risk_score"] = mmdbtype.Uint16(e.RiskScore)
		setString("risk_level", string(e.RiskLevel))
	}
	return m
}

// continentNames are the English names of the continent codes GeoIP2 uses.
var continentNames = map[string]string{
	"AF": "Africa", "AN": "Antarctica", "AS": "Asia", "EU": "Europe",
	"NA": "North America", "OC": "Oceania", "SA": "South America",
}

// description says what the file is and under which terms its data is.
func (t *Table) description(typ DatabaseType) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ipintel export (%s layout), built %s from the sources %s.",
		typ, t.built.UTC().Format("2006-01-02T15:04:05Z"), strings.Join(t.sources, ", "))
	if len(t.datasets) > 0 {
		b.WriteString(" Data and licences:")
		for i, d := range t.datasets {
			sep := ";"
			if i == 0 {
				sep = ""
			}
			fmt.Fprintf(&b, "%s %s", sep, d.Name)
			if d.Version != "" {
				fmt.Fprintf(&b, " (%s)", d.Version)
			}
			if d.License != "" {
				fmt.Fprintf(&b, ", %s", d.License)
			}
			if d.Attribution != "" {
				fmt.Fprintf(&b, ": %s", d.Attribution)
			}
		}
		b.WriteString(".")
	}
	return b.String()
}

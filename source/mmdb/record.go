package mmdb

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/oschwald/maxminddb-golang/v2/mmdbdata"

	"github.com/ipintel/ipintel/source"
)

// DefaultConfidence is the confidence given to a signal from a database
// flag (is_anonymous_vpn, is_tor_exit_node, …) when the record carries no
// confidence of its own.
const DefaultConfidence = 90

// entry is one decoded data record, shared by every network that points at
// it. It is immutable once built.
type entry struct {
	off     uintptr
	geo     *source.Geo
	network *source.Network
	signals []source.Signal
}

func (e *entry) empty() bool {
	return e.geo == nil && e.network == nil && len(e.signals) == 0
}

// namer picks a display name from a record's localized names.
type namer interface {
	name(lang string) string
}

// enNames decodes only the English name, the default: no map is built.
type enNames struct {
	En string `maxminddb:"en"`
}

func (n enNames) name(string) string { return n.En }

// langNames decodes every language; used with [WithLanguage].
type langNames map[string]string

func (n langNames) name(lang string) string {
	if v, ok := n[lang]; ok && v != "" {
		return v
	}
	return n["en"]
}

// number decodes any MMDB numeric kind (and a numeric string) into a
// float64, so that a field stored as uint16 in one database and double in
// another decodes the same.
type number struct {
	v   float64
	set bool
}

// UnmarshalMaxMindDBCursor implements mmdbdata.CursorUnmarshaler.
func (n *number) UnmarshalMaxMindDBCursor(c mmdbdata.Cursor) (mmdbdata.Cursor, error) {
	k, err := c.Kind()
	if err != nil {
		return mmdbdata.Cursor{}, err
	}
	switch k {
	case mmdbdata.KindFloat32, mmdbdata.KindFloat64:
		v, next, err := c.ReadFloat()
		if err != nil {
			return mmdbdata.Cursor{}, err
		}
		*n = number{v, true}
		return next, nil
	case mmdbdata.KindUint16, mmdbdata.KindUint32, mmdbdata.KindUint64, mmdbdata.KindInt32:
		v, signed, next, err := c.ReadInteger()
		if err != nil {
			return mmdbdata.Cursor{}, err
		}
		if signed {
			*n = number{float64(int64(v)), true}
		} else {
			*n = number{float64(v), true}
		}
		return next, nil
	case mmdbdata.KindString:
		s, next, err := c.ReadStringMaxSize(64)
		if err != nil {
			return mmdbdata.Cursor{}, err
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			*n = number{f, true}
		}
		return next, nil
	}
	// Any other kind: not a number we understand; skip it.
	return c.Skip()
}

// asn decodes an AS number stored as an integer (MaxMind, DB-IP) or as
// text such as "AS13335" (IPinfo).
type asn source.ASN

// UnmarshalMaxMindDBCursor implements mmdbdata.CursorUnmarshaler.
func (a *asn) UnmarshalMaxMindDBCursor(c mmdbdata.Cursor) (mmdbdata.Cursor, error) {
	k, err := c.Kind()
	if err != nil {
		return mmdbdata.Cursor{}, err
	}
	if k == mmdbdata.KindString {
		s, next, err := c.ReadStringMaxSize(64)
		if err != nil {
			return mmdbdata.Cursor{}, err
		}
		if v, err := source.ParseASN(strings.TrimSpace(s)); err == nil {
			*a = asn(v)
		}
		return next, nil
	}
	var n number
	next, err := n.UnmarshalMaxMindDBCursor(c)
	if err != nil {
		return mmdbdata.Cursor{}, err
	}
	if n.set && n.v > 0 && n.v <= math.MaxUint32 {
		*a = asn(uint32(n.v))
	}
	return next, nil
}

// anonymous is the anonymity part of a record, at the top level in the
// Anonymous-IP, Anonymous-Plus, IP-Risk and Residential-Proxy databases.
type anonymous struct {
	IsAnonymousVPN       bool   `maxminddb:"is_anonymous_vpn"`
	IsHostingProvider    bool   `maxminddb:"is_hosting_provider"`
	IsPublicProxy        bool   `maxminddb:"is_public_proxy"`
	IsResidentialProxy   bool   `maxminddb:"is_residential_proxy"`
	IsTorExitNode        bool   `maxminddb:"is_tor_exit_node"`
	AnonymizerConfidence number `maxminddb:"anonymizer_confidence"`
	ProviderName         string `maxminddb:"provider_name"`
	NetworkLastSeen      string `maxminddb:"network_last_seen"`
	IPRisk               number `maxminddb:"ip_risk"`
}

// network is the network part of a record, at the top level in the ASN,
// ISP, Connection-Type and Domain databases and under "traits" in
// Enterprise.
type network struct {
	ASN            asn    `maxminddb:"autonomous_system_number"`
	ASOrg          string `maxminddb:"autonomous_system_organization"`
	ISP            string `maxminddb:"isp"`
	Organization   string `maxminddb:"organization"`
	Domain         string `maxminddb:"domain"`
	ConnectionType string `maxminddb:"connection_type"`
	UserType       string `maxminddb:"user_type"`
}

// maxmindRecord is the union of the fields ipintel reads from the MaxMind
// family of databases (and DB-IP, which uses the same layout). Fields a
// database lacks stay zero.
type maxmindRecord[N namer] struct {
	City struct {
		Names N `maxminddb:"names"`
	} `maxminddb:"city"`
	Continent struct {
		Code string `maxminddb:"code"`
	} `maxminddb:"continent"`
	Country struct {
		ISOCode           string `maxminddb:"iso_code"`
		Names             N      `maxminddb:"names"`
		IsInEuropeanUnion bool   `maxminddb:"is_in_european_union"`
	} `maxminddb:"country"`
	Location struct {
		AccuracyRadius number `maxminddb:"accuracy_radius"`
		Latitude       number `maxminddb:"latitude"`
		Longitude      number `maxminddb:"longitude"`
		TimeZone       string `maxminddb:"time_zone"`
	} `maxminddb:"location"`
	Postal struct {
		Code string `maxminddb:"code"`
	} `maxminddb:"postal"`
	Subdivisions []struct {
		ISOCode string `maxminddb:"iso_code"`
		Names   N      `maxminddb:"names"`
	} `maxminddb:"subdivisions"`
	Traits struct {
		network
		anonymous
	} `maxminddb:"traits"`
	network
	anonymous
}

func (r *maxmindRecord[N]) build(e *entry, lang string, s *signalSet) {
	g := source.Geo{
		CountryCode: r.Country.ISOCode,
		CountryName: r.Country.Names.name(lang),
		City:        r.City.Names.name(lang),
		PostalCode:  r.Postal.Code,
		Timezone:    r.Location.TimeZone,
		Continent:   r.Continent.Code,
		InEU:        r.Country.IsInEuropeanUnion,
	}
	if len(r.Subdivisions) > 0 {
		g.Region = r.Subdivisions[0].Names.name(lang)
		g.RegionCode = r.Subdivisions[0].ISOCode
	}
	g.Coordinates = coordinates(r.Location.Latitude, r.Location.Longitude, r.Location.AccuracyRadius)
	if g != (source.Geo{}) {
		e.geo = &g
	}
	n := r.network
	n.merge(r.Traits.network)
	e.network = n.build()
	a := r.anonymous
	a.merge(r.Traits.anonymous)
	a.signals(s)
}

func (n *network) merge(o network) {
	if n.ASN == 0 {
		n.ASN = o.ASN
	}
	for _, p := range [...]struct {
		dst *string
		src string
	}{
		{&n.ASOrg, o.ASOrg}, {&n.ISP, o.ISP}, {&n.Organization, o.Organization},
		{&n.Domain, o.Domain}, {&n.ConnectionType, o.ConnectionType}, {&n.UserType, o.UserType},
	} {
		if *p.dst == "" {
			*p.dst = p.src
		}
	}
}

func (n *network) build() *source.Network {
	org := n.Organization
	if org == "" {
		org = n.ASOrg
	}
	nw := source.Network{
		ASN:            source.ASN(n.ASN),
		Organization:   org,
		ISP:            n.ISP,
		Domain:         n.Domain,
		ConnectionType: n.ConnectionType,
		UsageType:      n.UserType,
	}
	if nw == (source.Network{}) {
		return nil
	}
	return &nw
}

func (a *anonymous) merge(o anonymous) {
	a.IsAnonymousVPN = a.IsAnonymousVPN || o.IsAnonymousVPN
	a.IsHostingProvider = a.IsHostingProvider || o.IsHostingProvider
	a.IsPublicProxy = a.IsPublicProxy || o.IsPublicProxy
	a.IsResidentialProxy = a.IsResidentialProxy || o.IsResidentialProxy
	a.IsTorExitNode = a.IsTorExitNode || o.IsTorExitNode
	if !a.AnonymizerConfidence.set {
		a.AnonymizerConfidence = o.AnonymizerConfidence
	}
	if !a.IPRisk.set {
		a.IPRisk = o.IPRisk
	}
	if a.ProviderName == "" {
		a.ProviderName = o.ProviderName
	}
	if a.NetworkLastSeen == "" {
		a.NetworkLastSeen = o.NetworkLastSeen
	}
}

// signalSet collects the signals of one record with the provenance they
// share.
type signalSet struct {
	source string
	// implicit is the kind every found record carries (Residential-Proxy
	// databases list only residential proxy exits); zero for none.
	implicit source.Kind
	out      []source.Signal
}

func (s *signalSet) add(k source.Kind, conf int, provider, category string, lastSeen time.Time) {
	for _, have := range s.out {
		if have.Kind == k {
			return
		}
	}
	s.out = append(s.out, source.Signal{
		Kind: k, Confidence: conf, Provider: provider, Source: s.source,
		Category: category, LastSeen: lastSeen,
	})
}

func (a *anonymous) signals(s *signalSet) {
	conf := DefaultConfidence
	if a.AnonymizerConfidence.set {
		conf = clampConfidence(a.AnonymizerConfidence.v)
	}
	seen := parseTime(a.NetworkLastSeen)
	for _, f := range [...]struct {
		on   bool
		kind source.Kind
	}{
		{s.implicit != 0, s.implicit},
		{a.IsAnonymousVPN, source.VPN},
		{a.IsPublicProxy, source.Proxy},
		{a.IsTorExitNode, source.Tor},
		{a.IsResidentialProxy, source.ResidentialProxy},
		{a.IsHostingProvider, source.Hosting},
	} {
		if f.on {
			s.add(f.kind, conf, a.ProviderName, "", seen)
		}
	}
	if a.IPRisk.set {
		s.add(source.ProviderRisk, clampConfidence(a.IPRisk.v), a.ProviderName, "ip_risk", seen)
	}
}

// flatRecord is the one-level layout of IPinfo and ip-location-db
// databases: country_code, city, latitude… at the top level.
type flatRecord struct {
	CountryCode   string `maxminddb:"country_code"`
	Country       string `maxminddb:"country"`
	CountryName   string `maxminddb:"country_name"`
	ContinentCode string `maxminddb:"continent_code"`
	City          string `maxminddb:"city"`
	State1        string `maxminddb:"state1"`
	Region        string `maxminddb:"region"`
	Postcode      string `maxminddb:"postcode"`
	PostalCode    string `maxminddb:"postal_code"`
	Timezone      string `maxminddb:"timezone"`
	Latitude      number `maxminddb:"latitude"`
	Longitude     number `maxminddb:"longitude"`
	ASN           asn    `maxminddb:"asn"`
	ASName        string `maxminddb:"as_name"`
	ASDomain      string `maxminddb:"as_domain"`
	network
}

func (r *flatRecord) build(e *entry) {
	g := source.Geo{
		CountryCode: r.CountryCode,
		CountryName: firstNonEmpty(r.CountryName, r.Country),
		Region:      firstNonEmpty(r.State1, r.Region),
		City:        r.City,
		PostalCode:  firstNonEmpty(r.Postcode, r.PostalCode),
		Timezone:    r.Timezone,
		Continent:   r.ContinentCode,
		Coordinates: coordinates(r.Latitude, r.Longitude, number{}),
	}
	if g != (source.Geo{}) {
		e.geo = &g
	}
	n := r.network
	if n.ASN == 0 {
		n.ASN = r.ASN
	}
	n.merge(network{ASOrg: r.ASName, Domain: r.ASDomain})
	e.network = n.build()
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func coordinates(lat, lon, radius number) source.Coordinates {
	if !lat.set || !lon.set || lat.v < -90 || lat.v > 90 || lon.v < -180 || lon.v > 180 {
		return source.Coordinates{}
	}
	c := source.Coordinates{Latitude: lat.v, Longitude: lon.v}
	if radius.set && radius.v > 0 && radius.v < 1e6 {
		c.AccuracyRadius = int(radius.v)
	}
	return c
}

func clampConfidence(v float64) int {
	switch {
	case math.IsNaN(v) || v <= 0:
		return 0
	case v >= 100:
		return 100
	}
	return int(math.Round(v))
}

// parseTime reads a date as the databases write it: "2025-04-14", RFC 3339,
// or Unix seconds. Anything else is unknown (zero).
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 && n < 1<<40 {
		return time.Unix(n, 0).UTC()
	}
	return time.Time{}
}

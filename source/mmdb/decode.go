package mmdb

import (
	"fmt"
	"strings"
	"sync/atomic"

	maxminddb "github.com/oschwald/maxminddb-golang/v2"

	"github.com/ipintel/ipintel/source"
)

// layout is the shape of a database's records.
type layout uint8

const (
	layoutMaxMind layout = iota + 1 // nested: country.iso_code, location.latitude, traits…
	layoutFlat                      // one level: country_code, city, latitude, asn…
	layoutSchema                    // read through a user's Schema
)

// decoder turns one data record into an entry.
type decoder struct {
	layout   layout
	lang     string
	name     string
	implicit source.Kind
	schema   *compiledSchema
}

func (d *decoder) decode(res maxminddb.Result, off uintptr) (e *entry, err error) {
	defer func() {
		if p := recover(); p != nil {
			e, err = nil, fmt.Errorf("%w: panic decoding record at offset %d: %v", ErrInvalidDatabase, off, p)
		}
	}()
	e = &entry{off: off}
	s := signalSet{source: d.name, implicit: d.implicit}
	switch d.layout {
	case layoutMaxMind:
		if d.lang == "en" {
			var r maxmindRecord[enNames]
			err = res.Decode(&r)
			r.build(e, d.lang, &s)
		} else {
			var r maxmindRecord[langNames]
			err = res.Decode(&r)
			r.build(e, d.lang, &s)
		}
	case layoutFlat:
		var r flatRecord
		err = res.Decode(&r)
		r.build(e)
	case layoutSchema:
		var v any
		err = res.Decode(&v)
		d.schema.build(e, v, &s)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: record at offset %d: %w", ErrInvalidDatabase, off, err)
	}
	e.signals = s.out
	return e, nil
}

// families are the MaxMind database types ipintel maps by itself, after
// the "GeoIP2-", "GeoLite2-" or "GeoIP-" prefix; a suffix such as
// "-Shield" or "-Europe" is allowed.
var families = []string{
	"city", "country", "enterprise", "precision-enterprise", "precision-city",
	"precision-country", "asn", "isp", "connection-type", "domain",
	"anonymous-ip", "anonymous-plus", "ip-risk", "residential-proxy",
}

// detect maps a database type to the layout of its records.
func detect(dbType string) (l layout, implicit source.Kind, ok bool) {
	t := strings.ToLower(strings.TrimSpace(dbType))
	for _, prefix := range [...]string{"geoip2-", "geolite2-", "geoip-"} {
		rest, found := strings.CutPrefix(t, prefix)
		if !found {
			continue
		}
		for _, f := range families {
			if rest == f || strings.HasPrefix(rest, f+"-") {
				if f == "residential-proxy" {
					return layoutMaxMind, source.ResidentialProxy, true
				}
				return layoutMaxMind, 0, true
			}
		}
		return 0, 0, false
	}
	switch {
	case strings.HasPrefix(t, "dbip-"), strings.HasPrefix(t, "db-ip"):
		// DB-IP lite: "DBIP-City-Lite", "DBIP-Country-Lite",
		// "DBIP-ASN-Lite (compat=GeoLite2-ASN)", GeoIP2 layout.
		return layoutMaxMind, 0, true
	case strings.Contains(t, "ipinfo"), strings.Contains(t, "ip-location-db"):
		return layoutFlat, 0, true
	}
	return 0, 0, false
}

// sniff picks a layout for an unnamed type from its records' top-level
// keys: the flat layout when it has country_code or as_name, the MaxMind
// layout when every key is one that layout reads.
func sniff(keys []string) (layout, bool) {
	known := map[string]bool{}
	for _, k := range []string{
		"city", "continent", "country", "location", "postal", "registered_country",
		"represented_country", "subdivisions", "traits", "autonomous_system_number",
		"autonomous_system_organization", "isp", "organization", "domain",
		"connection_type", "user_type", "is_anonymous", "is_anonymous_vpn",
		"is_hosting_provider", "is_public_proxy", "is_residential_proxy",
		"is_tor_exit_node", "anonymizer_confidence", "provider_name",
		"network_last_seen", "ip_risk",
	} {
		known[k] = true
	}
	all := len(keys) > 0
	for _, k := range keys {
		switch k {
		case "country_code", "as_name", "state1":
			return layoutFlat, true
		}
		all = all && known[k]
	}
	if all {
		return layoutMaxMind, true
	}
	return 0, false
}

// cache keeps decoded records by data-section offset: a direct-mapped
// table of atomic pointers, so a hit is one load and a compare, with no
// lock and no allocation. Two offsets hashing to one slot evict each other.
type cache struct {
	slots []atomic.Pointer[entry]
	shift uint
}

func newCache(size int) cache {
	if size <= 0 {
		return cache{}
	}
	bits := uint(0)
	for 1<<bits < size {
		bits++
	}
	if bits == 0 {
		bits = 1
	}
	return cache{slots: make([]atomic.Pointer[entry], 1<<bits), shift: 64 - bits}
}

func (c *cache) slot(off uintptr) *atomic.Pointer[entry] {
	// Fibonacci hashing spreads the offsets, which are not random in
	// their low bits.
	return &c.slots[(uint64(off)*0x9E3779B97F4A7C15)>>c.shift]
}

func (c *cache) get(off uintptr) *entry {
	if len(c.slots) == 0 {
		return nil
	}
	if e := c.slot(off).Load(); e != nil && e.off == off {
		return e
	}
	return nil
}

func (c *cache) put(e *entry) {
	if len(c.slots) == 0 {
		return
	}
	c.slot(e.off).Store(e)
}

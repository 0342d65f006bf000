package mmdb

import (
	"fmt"
	"slices"
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
			e, err = nil, fmt.Errorf("%w: panic decoding record at offset %d: %v", errInvalidDatabase, off, p)
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
		return nil, fmt.Errorf("%w: record at offset %d: %w", errInvalidDatabase, off, err)
	}
	// Clipped, so that a caller appending to a record's Signals copies
	// them instead of writing into the shared array.
	e.signals = slices.Clip(s.out)
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

// cache keeps decoded records by data-section offset. It is a lock-free,
// insert-only hash table with linear probing: a hit is a few atomic loads
// and compares, with no lock and no allocation. When it holds limit
// records it is replaced by an empty one, so memory stays bounded for
// databases with more distinct records than the limit.
type cache struct {
	t     atomic.Pointer[table]
	limit int64
}

type table struct {
	slots []atomic.Pointer[entry]
	mask  uint64
	n     atomic.Int64
}

// maxProbe bounds the slots a lookup or insert looks at; the table is at
// most half full, so runs are short.
const maxProbe = 8

func newCache(limit int) *cache {
	return &cache{limit: int64(limit)}
}

func newTable(limit int64) *table {
	size := uint64(2)
	for size < uint64(2*limit) {
		size <<= 1
	}
	return &table{slots: make([]atomic.Pointer[entry], size), mask: size - 1}
}

// hash spreads offsets, which are not random in their low bits
// (Fibonacci hashing).
func hash(off uintptr) uint64 {
	return (uint64(off) * 0x9E3779B97F4A7C15) >> 32
}

func (c *cache) get(off uintptr) *entry {
	t := c.t.Load()
	if t == nil {
		return nil
	}
	h := hash(off)
	for range maxProbe {
		e := t.slots[h&t.mask].Load()
		if e == nil {
			return nil
		}
		if e.off == off {
			return e
		}
		h++
	}
	return nil
}

func (c *cache) put(e *entry) {
	if c.limit <= 0 {
		return
	}
	t := c.t.Load()
	if t == nil || t.n.Load() >= c.limit {
		nt := newTable(c.limit)
		if !c.t.CompareAndSwap(t, nt) {
			return // another goroutine replaced it; this record waits for the next miss
		}
		t = nt
	}
	h := hash(e.off)
	for range maxProbe {
		slot := &t.slots[h&t.mask]
		if slot.CompareAndSwap(nil, e) {
			t.n.Add(1)
			return
		}
		if slot.Load().off == e.off {
			return
		}
		h++
	}
}

// Package mmdb is a [source.Source] reading MaxMind DB (.mmdb) files:
// MaxMind's GeoIP2 and GeoLite2 databases, DB-IP's and IPinfo's, and any
// other database through a [Schema].
//
// # Usage
//
//	city, err := mmdb.Open("GeoLite2-City.mmdb")
//	if err != nil {
//		return err
//	}
//	defer city.Close()
//	rec, err := city.Lookup(ctx, netip.MustParseAddr("81.2.69.142"))
//	// rec.Geo.CountryCode == "GB"; rec.Prefix is the network that matched
//
// The database type in the file's metadata picks the mapping:
//
//   - GeoIP2/GeoLite2 City, Country, Enterprise (and Precision, Shield
//     variants), DB-IP lite city and country: [source.Geo] from country,
//     subdivisions, city, postal, location and continent; names in English
//     unless [WithLanguage] asks for another language.
//   - GeoLite2 ASN, GeoIP2 ISP, Connection-Type, Domain, DB-IP lite ASN,
//     and Enterprise traits: [source.Network] (ASN, organisation, ISP,
//     domain, connection type, user type as UsageType).
//   - GeoIP2 Anonymous-IP, GeoIP Anonymous-Plus, GeoIP2 IP-Risk and GeoIP
//     Residential-Proxy: signals. is_anonymous_vpn gives [source.VPN],
//     is_public_proxy [source.Proxy], is_tor_exit_node [source.Tor],
//     is_hosting_provider [source.Hosting], is_residential_proxy (and every
//     network of a Residential-Proxy database) [source.ResidentialProxy],
//     and ip_risk a [source.ProviderRisk] signal whose confidence is the
//     score. A flag's confidence is anonymizer_confidence when the record
//     has it, else [DefaultConfidence]; provider_name becomes the
//     provider and network_last_seen the LastSeen time. Each signal's
//     Source is the source's name.
//   - IPinfo lite and ip-location-db style databases (country_code, asn,
//     as_name, city, latitude… at the top level) are read by their keys.
//
// Any other type is refused at Open with an error wrapping
// [source.ErrInvalidInput] that names the type and the keys its records
// have; map it with [WithSchema]. A miss is a
// zero [source.Record] and a nil error; Record.Prefix is the network that
// matched, in the address's family: an IPv4 lookup in an IPv6 database
// gets an IPv4 network, 0.0.0.0/0 when the tree has no IPv4 subtree and
// the lookup ends above it. Network.CIDR is left empty: it would differ
// between the networks that share one cached record, and Record.Prefix
// carries it.
//
// # Reloading
//
// [Source.Reload] opens the file again, checks the new database off to the
// side — sane metadata, the same database type, a probe of its first
// records through the mapping, no record for a network shorter than /8
// (IPv4) or /16 (IPv6) that the loaded database does not have too, not a
// tenth of the old tree — and swaps it in atomically. A refused file leaves
// the loaded database answering; the reason is returned, passed to
// [WithOnReload], logged to [WithLogger] and kept as the LastError of
// [Source.Datasets]. [WithWatch] does the same whenever the file's
// size, modification time or inode changes; [Source.Close] stops it.
//
// A memory-mapped file that is rewritten in place (rather than replaced by
// a rename) crashes its readers: maxminddb-golang #43 and #104. Sources
// that watch their file therefore read it into memory ([WithInMemory]),
// costing the file's size in heap (about 60 MB for GeoLite2-City) and, for
// the moment of a reload, twice that. A file that changes while it is being
// read is refused and tried again on the next tick. Without WithWatch or
// WithInMemory the file is mapped, which shares the page cache and starts
// faster; replace it only by renaming a new file over it.
//
// A replaced reader is never closed under a running lookup: each lookup
// holds the database it started with, and the reader is released (its
// mapping unmapped, its buffer freed) by the runtime once no lookup refers
// to it — the garbage collector is the reference count, which costs lookups
// nothing.
//
// # Thread Safety
//
// Every method of [Source] may be called from many goroutines at once,
// including Lookup during Reload and Close. The Geo, Network and Signals of
// a returned record point into the decoded-record cache and are shared
// between lookups: read them, never write them (the ipintel Client copies
// what it keeps, see package source).
//
// # Performance
//
// A lookup walks the search tree and then finds the decoded record in a
// cache keyed by the record's offset in the data section: many networks
// share one record (every network of one city, every prefix of one AS), so
// each distinct record is decoded once, not once per lookup. The cache is a
// lock-free, insert-only hash table of atomic pointers holding up to
// [WithCacheSize] records ([DefaultCacheSize]: about 10 MB of City
// records, ~300 bytes each; full, it starts again empty): a hit takes no
// lock and allocates nothing. A miss decodes only the fields ipintel uses,
// into small structs, with only the English names unless [WithLanguage] is
// set.
//
// When every distinct record a workload touches fits in the cache, a lookup
// allocates nothing and most of its cost is the search-tree walk, which is
// memory latency and the same for any MMDB reader. A real City or ASN
// database has more distinct records than DefaultCacheSize: lookups spread
// over all of them miss more often, and a miss costs a decode (about ten
// allocations for a City record) unless the cache is made larger. Checking
// that the matched network is in the address's family and holds it costs a
// few nanoseconds and no allocation.
//
// Measured figures, beside geoip2-golang's City() in the same run, are in
// the repository's BENCHMARKS.md.
package mmdb

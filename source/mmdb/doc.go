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
// Any other type is refused at Open with an [*UnknownTypeError] naming the
// type and the keys its records have; map it with [WithSchema]. A miss is a
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
// [WithOnReload], logged to [WithLogger] and kept for
// [Source.LastReloadError]. [WithWatch] does the same whenever the file's
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
// The figures below are the case where every distinct record fits in the
// cache (12 000 City records, 6 000 ASes). A real City or ASN database
// has more distinct records than DefaultCacheSize; lookups spread over
// all of them then miss more often, and cost up to the uncached figure
// (WithCacheSize(0) below) unless the cache is made larger.
//
// Measured by BenchmarkLookup and BenchmarkClient (go test -bench .
// -benchmem ./source/mmdb) on a generated GeoLite2-City-like database of
// 270 000 networks sharing 12 000 records with every language's names,
// against geoip2-golang v2.3.0's City() on the same file and addresses in
// the same run, steady state (one warm-up pass), on a shared 2-core
// machine; medians of 6 runs, benchstat:
//
//	                                           time/op   allocs/op   vs geoip2 City()
//	mmdb.Source.Lookup (default, mmap)         462 ns    0           0.11×
//	mmdb.Source.Lookup, WithInMemory           310 ns    0           0.07×
//	mmdb.Source.Lookup, WithLanguage("de")     322 ns    0           0.07×
//	mmdb.Source.Lookup, WithCacheSize(0)       5.2 µs   10           1.17×
//	geoip2-golang Reader.City()                4.4 µs   28           1
//	ipintel Client: City + ASN + Anonymous-IP
//	  + a 22 000-entry feed set + scoring      3.3 µs    2           0.84× (City() 3.9 µs)
//
// The figures swing by ±20–70 % between runs on that machine; the ratios
// hold. Most of a cached lookup is the search-tree walk, which is memory
// latency and the same as geoip2-golang's; the decode that the cache saves
// is the rest. The check that a lookup's network is in the address's
// family and holds it (BenchmarkPrefixFor) costs 9–19 ns and no
// allocation, measured after the table above. Set IPINTEL_GEOLITE2_CITY
// to a real GeoLite2-City.mmdb to add it to BenchmarkLookup.
package mmdb

// Package export writes the data an [ipintel.Client] answers from as files
// other software reads unchanged: a MaxMind DB (MMDB) with GeoIP2's field
// names, for nginx's geoip2 module, libmaxminddb (mmdblookup), the
// maxminddb and geoip2 libraries and the log pipelines built on them, and a
// range CSV for ClickHouse's ip_trie dictionaries and spreadsheets.
//
// # Usage
//
//	tab, err := export.Build(ctx, client)          // every source must be listable
//	if err != nil {
//		return err
//	}
//	_, err = tab.WriteFile(ctx, "ipintel.mmdb", export.MMDB(export.Enterprise), nil)
//
// [Build] lists each source of the Client through [source.Enumerator]
// (builtin, feed sets, MMDB sources; not hosted APIs, which [WithPartial]
// leaves out), splits the overlapping networks into disjoint ranges, and
// merges each distinct combination of the sources' records with
// [ipintel.Client.Merge], the Client's own merge and Scorer: a lookup of
// any address in the export gives what Client.Lookup gives — country and
// place, network, the privacy flags, provider, monitoring and the risk
// score and level, computed when the export was built. The special-purpose
// addresses Lookup refuses are left out. Network.CIDR is not a field: the
// range is the network.
//
// # Database types
//
// Typed readers accept only the database_type names they know: no one name
// lets geoip2-golang open a file with Country, ASN and AnonymousIP at once
// (Country accepts the City, Country and Enterprise types; ASN, the ASN and
// ISP types; AnonymousIP, GeoIP2-Anonymous-IP alone). So the export writes
// one of four types, from one Table:
//
//   - [Enterprise] ("GeoIP2-Enterprise", the default of the CLI): every
//     field. Readers that go by path (nginx, mmdblookup, the generic
//     maxminddb libraries) read any field of it, and geoip2-golang opens it
//     with Enterprise, City and Country.
//   - [Country] ("GeoLite2-Country"), [ASN] ("GeoLite2-ASN") and
//     [AnonymousIP] ("GeoIP2-Anonymous-IP"): drop-ins for those databases,
//     with their fields only (AnonymousIP adds ipintel's own), smaller.
//
// Records (only known fields are written; flags only when true, as GeoIP2
// does): continent.code and .names.en; country.iso_code, .names.en and
// .is_in_european_union; registered_country, a copy of country (ipintel
// has one country per address); subdivisions, city, postal, location when
// a source knows them; autonomous_system_number and
// autonomous_system_organization; is_anonymous (a VPN, proxy or Tor exit —
// not a privacy relay, not hosting), is_anonymous_vpn, is_hosting_provider,
// is_public_proxy, is_residential_proxy, is_tor_exit_node; in Enterprise,
// the AS fields and flags again under traits, with isp and domain; and
// ipintel's own under ipintel: is_relay, provider, confidence, monitoring
// {detected, provider, category, confidence}, and in Enterprise is_abuser,
// is_bot, connection_type, usage_type, risk_score and risk_level.
//
// The metadata description names the sources and every dataset's licence
// and attribution, which carry over to the export (see NOTICE).
//
// # Thread Safety
//
// A [Table] is immutable: its methods may be called from many goroutines.
// Build reads the sources' data in use when called.
//
// # Performance
//
// Build and the writers run in time and memory proportional to the number
// of distinct ranges; the MMDB writer holds the whole tree in memory until
// it is written. Measured figures for the embedded data are in the
// repository's BENCHMARKS.md.
package export

// Package compat renders ipintel results as the responses of the hosted
// IP-intelligence APIs VectraIP, VPN Signal and Datpaq, exactly as their
// public documentation shows them, so that a team migrating from any of
// them serves its consumers' old JSON in one line.
//
// Each function returns a value whose [encoding/json] form is the
// documented response: every documented field, with its documented name,
// type and unit (the 0–100 figures are integers), null where the
// documentation allows null, and nothing else:
//
//	function              response
//	VectraIP(r)           GET  /v1/ip/{ip}
//	VectraIPBatch(b)      POST /v1/batch/ip         {"results", "processed", "errors"}
//	VPNSignal(r)          POST /api/v1/check
//	Datpaq(r)             GET  /api/v1/ip-intelligence
//	DatpaqBatch(b)        POST /api/v1/ip-intelligence/batch   {"success", "data", "correlationId"}
//
// Each response type is the documented JSON document as one struct, its
// sections as nested structs, so that go doc shows the whole shape in one
// place; the fields are plain strings, ints, bools and floats, and a nil
// pointer is null. Where a documentation page names a field only in prose
// (Datpaq's per-result found and error flags, VectraIP's monitoring
// category and times), the JSON name is inferred and the field's comment
// says so. An ipintel.Result's own JSON is VectraIP's response plus
// ipintel's additions; VectraIP(r) is that response without them.
//
// What the documentation does not fix is chosen here and stated where it
// is done: VectraIP's traffic_class words other than "vpn_exit" (see
// ipintel.Result.TrafficClass), the monitoring confidence bands (high ≥ 75,
// medium ≥ 40), VPN Signal's company.type, Datpaq's reasons for invalid
// inputs. Unknown text fields are "" and unknown coordinates 0, 0 (the
// documented types), except where null is documented (VPN Signal's company,
// location and asn sections, VectraIP's monitoring fields).
//
// # Usage
//
//	r, err := client.Lookup(ctx, ip)
//	if err != nil { … }
//	json.NewEncoder(w).Encode(compat.VPNSignal(r))
//
// The ipintel command's serve subcommand serves all three APIs' endpoints
// with this package.
//
// # Thread Safety
//
// The functions only read their argument and may be called concurrently;
// each returns a new value the caller owns.
//
// # Performance
//
// The functions copy fields into a new value and encode nothing; the cost
// of a response is mostly encoding/json's. A rendering carries only its
// provider's documented fields, so it encodes faster and smaller than the
// [ipintel.Result] it came from, which also carries signals and reasons.
//
// Measured figures are in the repository's BENCHMARKS.md.
package compat

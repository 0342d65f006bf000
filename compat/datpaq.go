package compat

import (
	"errors"
	"math/rand/v2"
	"strconv"

	"github.com/ipintel/ipintel"
)

// Datpaq renders r as Datpaq's single-lookup response, {ip, trust_score,
// is_vpn, is_tor, asn, country, org, correlationId} as the field table
// lists them, with r's request id as the correlation id. Datpaq answers an
// address it does not know with a 404: check r.Meta.Found first.
func Datpaq(r *ipintel.Result) DatpaqResponse {
	out := DatpaqResponse{TrustScore: r.Risk.TrustScore, IsVPN: r.Privacy.IsVPN, IsTor: r.Privacy.IsTor,
		CorrelationID: r.Query.RequestID.String()}
	out.IP, out.ASN, out.Country, out.Org = datpaqFacts(r)
	return out
}

// DatpaqBatch renders b as Datpaq's batch response: the summary, one
// result per valid input in input order with its found and error flags
// (error set, with a reason, for a lookup that did not finish), and each
// input that is not a public address in invalid_ips with its index and
// reason. The correlation id is new, "req-" and 16 hex digits; set
// CorrelationID to use your own.
func DatpaqBatch(b *ipintel.Batch) DatpaqBatchResponse {
	out := DatpaqBatchResponse{Success: true, CorrelationID: "req-" + strconv.FormatUint(rand.Uint64()|1<<63, 16)}
	d := &out.Data
	s := &d.Summary
	s.TotalRequested, s.ValidIPs, s.InvalidIPs = b.Summary.Total, b.Summary.Valid, b.Summary.Invalid
	s.Found, s.NotFound = b.Summary.Found, b.Summary.NotFound
	d.Results = empty(d.Results, len(b.Items))
	d.InvalidIPs = empty(d.InvalidIPs, 0)
	for _, it := range b.Items {
		var ae *ipintel.AddrError
		switch {
		case it.Result != nil:
			r, item := it.Result, add(&d.Results)
			item.IP, item.ASN, item.Country, item.Org = datpaqFacts(r)
			item.IsVPN, item.IsTor, item.Found = r.Privacy.IsVPN, r.Privacy.IsTor, r.Meta.Found
			if r.Meta.Found {
				ts := r.Risk.TrustScore
				item.TrustScore = &ts
			}
		case errors.As(it.Err, &ae):
			reason := "Invalid IP format"
			if errors.Is(ae.Err, ipintel.ErrReservedIP) {
				reason = "Private, loopback or reserved address: " + ae.Reason
			}
			inv := add(&d.InvalidIPs)
			inv.Index, inv.IP, inv.Reason = it.Index, ae.Input, reason
		default:
			item := add(&d.Results)
			item.IP, item.Error, item.Reason = echo(it.Input), true, "Unexpected server error during analysis."
		}
	}
	return out
}

// datpaqFacts are the text fields of Datpaq's per-address record: ip, asn,
// country and org.
func datpaqFacts(r *ipintel.Result) (ip, asn, country, org string) {
	if r.Query.IP.IsValid() {
		ip = r.Query.IP.String()
	}
	if n := r.Network; n != nil {
		asn, org = n.ASN.String(), organization(n)
	}
	if g := r.Geo; g != nil {
		country = g.CountryCode
	}
	return ip, asn, country, org
}

// echo cuts an input to a length safe to repeat in a response.
func echo(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max]
	}
	return s
}

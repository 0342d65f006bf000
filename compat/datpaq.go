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
	return DatpaqResponse{DatpaqIntel: datpaqIntel(r), CorrelationID: Text(r.Query.RequestID.String())}
}

// DatpaqBatch renders b as Datpaq's batch response: the summary, one
// result per valid input in input order with its found and error flags
// (error set, with a reason, for a lookup that did not finish), and each
// input that is not a public address in invalid_ips with its index and
// reason. The correlation id is new; set CorrelationID to use your own.
func DatpaqBatch(b *ipintel.Batch) DatpaqBatchResponse {
	out := DatpaqBatchResponse{Success: true, CorrelationID: Text(NewCorrelationID())}
	d := &out.Data
	d.Summary = DatpaqSummary{
		TotalRequested: Int(b.Summary.Total),
		ValidIPs:       Int(b.Summary.Valid),
		InvalidIPs:     Int(b.Summary.Invalid),
		Found:          Int(b.Summary.Found),
		NotFound:       Int(b.Summary.NotFound),
	}
	d.Results = make([]DatpaqBatchItem, 0, len(b.Items))
	d.InvalidIPs = []DatpaqInvalidItem{}
	for _, it := range b.Items {
		var ae *ipintel.AddrError
		switch {
		case it.Result != nil:
			item := DatpaqBatchItem{DatpaqIntel: datpaqIntel(it.Result), Found: Flag(it.Result.Meta.Found)}
			if !it.Result.Meta.Found {
				item.TrustScore = nil
			}
			d.Results = append(d.Results, item)
		case errors.As(it.Err, &ae):
			reason := "Invalid IP format"
			if errors.Is(ae.Err, ipintel.ErrReservedIP) {
				reason = "Private, loopback or reserved address: " + ae.Reason
			}
			d.InvalidIPs = append(d.InvalidIPs, DatpaqInvalidItem{Index: Int(it.Index), IP: Text(ae.Input), Reason: Text(reason)})
		default:
			d.Results = append(d.Results, DatpaqBatchItem{DatpaqIntel: DatpaqIntel{IP: Text(echo(it.Input))},
				Error: true, Reason: "Unexpected server error during analysis."})
		}
	}
	return out
}

// datpaqIntel is Datpaq's per-address record.
func datpaqIntel(r *ipintel.Result) DatpaqIntel {
	ts := Int(r.Risk.TrustScore)
	out := DatpaqIntel{TrustScore: &ts, IsVPN: r.Privacy.IsVPN, IsTor: r.Privacy.IsTor}
	if r.Query.IP.IsValid() {
		out.IP = Text(r.Query.IP.String())
	}
	if n := r.Network; n != nil {
		out.ASN, out.Org = Text(n.ASN.String()), Text(organization(n))
	}
	if g := r.Geo; g != nil {
		out.Country = Text(g.CountryCode)
	}
	return out
}

// NewCorrelationID returns a random id in the documented form
// ("req-123456789"): "req-" and 16 hex digits. It is not a secret.
func NewCorrelationID() string {
	return "req-" + strconv.FormatUint(rand.Uint64()|1<<63, 16)
}

// echo cuts an input to a length safe to repeat in a response.
func echo(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max]
	}
	return s
}

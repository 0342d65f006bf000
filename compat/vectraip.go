package compat

import (
	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/internal/wire"
)

// VectraIP renders r as VectraIP's documented response: the documented
// fields of r's own JSON, without ipintel's additions.
func VectraIP(r *ipintel.Result) VectraIPResponse { return wire.FromResult(r) }

// VectraIPBatch renders b as VectraIP's documented batch response: one
// result per distinct address, in input order (VectraIP deduplicates),
// "processed" their number and "errors" the number of distinct inputs that
// were not looked up (not an address, reserved, or unfinished).
func VectraIPBatch(b *ipintel.Batch) VectraIPBatchResponse {
	out := VectraIPBatchResponse{Results: []VectraIPResponse{}}
	seen := make(map[string]bool, len(b.Items))
	for _, it := range b.Items {
		key := it.Input
		if it.Result != nil {
			key = it.Result.Query.IP.String()
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		if it.Result == nil {
			out.Errors++
			continue
		}
		out.Results = append(out.Results, VectraIP(it.Result))
	}
	out.Processed = Int(len(out.Results))
	return out
}

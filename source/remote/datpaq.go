package remote

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"

	"github.com/ipintel/ipintel/internal/wire"
	"github.com/ipintel/ipintel/source"
)

// Datpaq returns a source for Datpaq's IP Intelligence API
// (https://datpaq.com): GET /api/v1/ip-intelligence?ip= for one address and
// POST /api/v1/ip-intelligence/batch {"ip": [...]} for up to 100, with the
// key as "Authorization: Bearer <key>" as Datpaq documents — never the
// api_key query parameter, which would put the key in URLs.
//
// Mapping: is_vpn and is_tor become VPN and Tor signals with
// [FlagConfidence]; trust_score (0 risky – 100 clean) becomes one
// ProviderRisk signal with Confidence 100 − trust_score; country fills
// Record.Geo; asn and org fill Record.Network. A 404 with Datpaq's error
// envelope ("The requested IP is not in the threat intelligence
// database"), "data": null, or a batch item found false without a
// trust_score is a miss. Only documented fields are needed: there is no
// "found" on a single answer.
func Datpaq(key string, opts ...Option) (*Source, error) {
	return newSource(api{
		name:        "datpaq",
		baseURL:     wire.DatpaqBaseURL,
		header:      wire.DatpaqAuthHeader,
		prefix:      "Bearer ",
		maxBatch:    wire.DatpaqMaxBatch,
		single:      datpaqSingle,
		decode:      decodeDatpaq,
		batch:       datpaqBatch,
		decodeBatch: decodeDatpaqBatch,
		envelope:    datpaqEnvelope,
		miss:        func(status int, env envelope) bool { return status == http.StatusNotFound && env.ok },
	}, key, opts)
}

func datpaqSingle(a netip.Addr) (request, error) {
	return request{method: http.MethodGet, path: wire.DatpaqLookup, query: url.Values{"ip": {a.String()}}}, nil
}

func datpaqBatch(addrs []netip.Addr) (request, error) {
	b, err := jsonBatch(addrs, func(ips []string) wire.DatpaqBatchRequest { return wire.DatpaqBatchRequest{IP: ips} })
	return request{method: http.MethodPost, path: wire.DatpaqBatch, body: b, batch: true}, err
}

func datpaqEnvelope(b []byte) envelope {
	var e wire.DatpaqError
	if json.Unmarshal(b, &e) != nil || e.Error == "" {
		return envelope{}
	}
	env := envelope{message: trim(e.Error), requestID: trim(e.CorrelationID), ok: true}
	if isCode(env.message) {
		env.code, env.message = env.message, ""
	}
	return env
}

// isCode reports whether s looks like a machine code ("NOT_FOUND").
func isCode(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// decodeDatpaq reads the documented answer, the field table's record with
// correlationId beside its fields, or, leniently, that record inside the
// batch answers' {"success", "data", "correlationId"} envelope. "data":
// null is a miss; success false, or an answer with neither data nor ip, is
// malformed.
func decodeDatpaq(name string, addr netip.Addr, body []byte) (source.Record, error) {
	var r struct {
		Success *bool           `json:"success"`
		Data    json.RawMessage `json:"data"`
		wire.DatpaqIntel
	}
	if err := unmarshal(body, &r); err != nil {
		return source.Record{}, err
	}
	if r.Success != nil && !*r.Success {
		return source.Record{}, fmt.Errorf("%w: success is false", errMalformed)
	}
	d := &r.DatpaqIntel
	switch {
	case string(r.Data) == "null":
		return source.Record{}, nil
	case len(r.Data) > 0:
		d = new(wire.DatpaqIntel)
		if err := unmarshal(r.Data, d); err != nil {
			return source.Record{}, err
		}
	case r.IP == "" && r.TrustScore == nil:
		return source.Record{}, fmt.Errorf("%w: answer has neither data nor ip", errMalformed)
	}
	if err := checkAnswerFor(string(d.IP), addr); err != nil {
		return source.Record{}, err
	}
	return mapDatpaq(name, d)
}

// decodeDatpaqBatch reads {"success", "data": {"summary", "results",
// "invalid_ips"}, "correlationId"}. A result is matched by its ip (or, with
// none, by index); one whose error flag is set is left unanswered, one
// found false and without a trust_score is a miss. An address in
// invalid_ips (we send only valid ones) or left out is unanswered.
func decodeDatpaqBatch(name string, addrs []netip.Addr, body []byte) ([]source.Record, []bool, error) {
	var r wire.DatpaqBatchResponse
	if err := unmarshal(body, &r); err != nil {
		return nil, nil, err
	}
	pos := make(map[netip.Addr]int, len(addrs))
	for i, a := range addrs {
		pos[a] = i
	}
	out := make([]source.Record, len(addrs))
	answered := make([]bool, len(addrs))
	for i := range r.Data.Results {
		it := &r.Data.Results[i]
		if it.Error {
			continue
		}
		j := -1
		if q := trim(it.IP); q != "" {
			qa, err := netip.ParseAddr(q)
			if err != nil {
				continue
			}
			if k, ok := pos[qa.Unmap()]; ok {
				j = k
			}
		} else if it.Index >= 0 && int(it.Index) < len(addrs) {
			j = int(it.Index)
		}
		if j < 0 {
			continue
		}
		if !it.Found && it.TrustScore == nil {
			answered[j] = true // a miss
			continue
		}
		rec, err := mapDatpaq(name, &it.DatpaqIntel)
		if err != nil {
			return nil, nil, err
		}
		out[j], answered[j] = rec, true
	}
	return out, answered, nil
}

func mapDatpaq(name string, d *wire.DatpaqIntel) (source.Record, error) {
	var rec source.Record
	if d.TrustScore != nil {
		if err := percentInRange("trust_score", *d.TrustScore); err != nil {
			return rec, err
		}
	}
	if cc := countryCode(string(d.Country)); cc != "" {
		rec.Geo = &source.Geo{CountryCode: cc}
	}
	n := source.Network{ASN: parseASN(string(d.ASN)), Organization: trim(d.Org)}
	rec.Network = networkOrNil(&n)
	sig := signals{src: name}
	if d.IsVPN {
		sig.add(source.VPN, FlagConfidence, "", "")
	}
	if d.IsTor {
		sig.add(source.Tor, FlagConfidence, "", "")
	}
	if d.TrustScore != nil {
		sig.providerRisk(100-int(*d.TrustScore), "")
	}
	rec.Signals = sig.list
	return rec, nil
}

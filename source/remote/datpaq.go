package remote

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

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
// Record.Geo; asn and org fill Record.Network. found false, a 404
// NOT_FOUND, or a batch item that was not found is a miss.
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
	env := envelope{message: e.Error, requestID: e.CorrelationID, ok: true}
	if isCode(e.Error) {
		env.code, env.message = e.Error, ""
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

func decodeDatpaq(name string, addr netip.Addr, body []byte) (source.Record, error) {
	var r wire.DatpaqResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return source.Record{}, fmt.Errorf("%w: %v", ErrMalformed, jsonErrText(err))
	}
	if err := checkAnswerFor(r.Data.IP, addr); err != nil {
		return source.Record{}, err
	}
	return mapDatpaq(name, &r.Data), nil
}

func decodeDatpaqBatch(name string, addrs []netip.Addr, body []byte) ([]source.Record, []bool, error) {
	var r wire.DatpaqBatchResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrMalformed, jsonErrText(err))
	}
	if r.Data.Results == nil {
		return nil, nil, fmt.Errorf("%w: batch response has no results", ErrMalformed)
	}
	pos := make(map[netip.Addr]int, len(addrs))
	for i, a := range addrs {
		pos[a] = i
	}
	out := make([]source.Record, len(addrs))
	answered := make([]bool, len(addrs)) // items with an error are not
	for i := range r.Data.Results {
		it := &r.Data.Results[i]
		if it.Error != "" {
			continue // a per-item error: no answer for this address
		}
		// Match by the item's address when it has one, else by index.
		j := -1
		if q := strings.TrimSpace(it.IP); q != "" {
			qa, err := netip.ParseAddr(q)
			if err != nil {
				continue
			}
			if k, ok := pos[qa.Unmap()]; ok {
				j = k
			}
		} else if it.Index >= 0 && it.Index < len(addrs) {
			j = it.Index
		}
		if j < 0 {
			continue
		}
		out[j] = mapDatpaq(name, &it.DatpaqIntel)
		answered[j] = true
	}
	return out, answered, nil
}

func mapDatpaq(name string, d *wire.DatpaqIntel) source.Record {
	if !d.Found {
		return source.Record{}
	}
	var rec source.Record
	if cc := countryCode(d.Country); cc != "" {
		rec.Geo = &source.Geo{CountryCode: cc}
	}
	n := source.Network{ASN: parseASN(d.ASN), Organization: strings.TrimSpace(d.Org)}
	rec.Network = networkOrNil(&n)
	sig := signals{src: name}
	if d.IsVPN {
		sig.add(source.VPN, FlagConfidence, "", "")
	}
	if d.IsTor {
		sig.add(source.Tor, FlagConfidence, "", "")
	}
	if d.TrustScore != nil {
		sig.providerRisk(100-clamp(*d.TrustScore), "")
	}
	rec.Signals = sig.list
	return rec
}

package remote

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/compat/compattest"
	"github.com/ipintel/ipintel/internal/wire"
)

// Role (c) of the conformance suite: each documented example (the pages'
// JSON, in compat/compattest/testdata) is read by our client without
// error, and what the client reads it into keeps every documented value
// and, written back, has every path the page documents with its type and
// range.
func TestDocumentedExamplesConform(t *testing.T) {
	shapes := map[string]func() any{
		"vectraip.json":             func() any { return new(wire.VectraIPResponse) },
		"vectraip_batch.json":       func() any { return new(wire.VectraIPBatchResponse) },
		"vectraip_error.json":       func() any { return new(wire.VectraIPError) },
		"vpnsignal.json":            func() any { return new(wire.VPNSignalResponse) },
		"vpnsignal_error.json":      func() any { return new(wire.VPNSignalError) },
		"vpnsignal_health.json":     func() any { return new(wire.VPNSignalHealth) },
		"datpaq.json":               func() any { return new(wire.DatpaqResponse) },
		"datpaq_batch_invalid.json": func() any { return new(wire.DatpaqBatchResponse) },
		"datpaq_error.json":         func() any { return new(wire.DatpaqError) },
	}
	for _, e := range compattest.Examples {
		t.Run(e.File, func(t *testing.T) {
			body := e.Body()
			v := shapes[e.File]()
			if err := json.Unmarshal(body, v); err != nil {
				t.Fatalf("our client's shape cannot read the documented example: %v", err)
			}
			back, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			for _, err := range compattest.Preserved(body, back) {
				t.Errorf("read and written back: %v", err)
			}
			// Paths the page names only in prose may be absent from its
			// example, and so from what was read; the others must all be
			// there, typed and in range.
			for _, err := range compattest.Check(back, compattest.Documented(e.Paths), compattest.Strict) {
				t.Errorf("read and written back: %v", err)
			}
		})
	}
}

// The decoders themselves accept each documented answer and map it.
func TestDecodersReadDocumentedExamples(t *testing.T) {
	body := func(file string) []byte {
		for _, e := range compattest.Examples {
			if e.File == file {
				return e.Body()
			}
		}
		t.Fatalf("no example %s", file)
		return nil
	}
	vectra := mustAddr("45.130.202.105")
	rec, err := decodeVectraIP("vectraip", vectra, body("vectraip.json"))
	if err != nil || rec.IsZero() || rec.Network.ASN != 137409 || rec.Geo.Continent != "AS" {
		t.Errorf("VectraIP example: %+v, %v", rec, err)
	}
	recs, answered, err := decodeVectraIPBatch("vectraip", []netip.Addr{mustAddr("8.8.8.8"), vectra}, body("vectraip_batch.json"))
	if err != nil || answered[0] || !answered[1] || recs[1].IsZero() {
		t.Errorf("VectraIP batch example (processed and errors are numbers): %v %v", answered, err)
	}
	if env := vectraEnvelope(body("vectraip_error.json")); !env.ok || !strings.Contains(env.message, "999.999.999.999") {
		t.Errorf("VectraIP error example: %+v", env)
	}
	rec, err = decodeVPNSignal("vpnsignal", mustAddr("1.1.1.1"), body("vpnsignal.json"))
	if err != nil || rec.Network.ASN != 13335 || rec.Prefix.String() != "1.1.1.0/24" {
		t.Errorf("VPN Signal example: %+v, %v", rec, err)
	}
	if env := vpnSignalEnvelope(body("vpnsignal_error.json")); !env.ok || env.code != "error_code" {
		t.Errorf("VPN Signal error example: %+v", env)
	}
	rec, err = decodeDatpaq("datpaq", mustAddr("8.8.8.8"), body("datpaq.json"))
	if err != nil || rec.IsZero() || rec.Network.ASN != 15169 || rec.Geo.CountryCode != "US" {
		t.Errorf("Datpaq example (documented fields only, no found): %+v, %v", rec, err)
	}
	_, answered, err = decodeDatpaqBatch("datpaq", []netip.Addr{mustAddr("8.8.8.8")}, body("datpaq_batch_invalid.json"))
	if err != nil || answered[0] {
		t.Errorf("Datpaq batch example without results: %v, %v", answered, err)
	}
	if env := datpaqEnvelope(body("datpaq_error.json")); !env.ok || env.requestID != "req-123456789" || env.message == "" {
		t.Errorf("Datpaq error example: %+v", env)
	}
}

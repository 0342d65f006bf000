package remote

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/internal/wire"
	"github.com/ipintel/ipintel/source"
)

// The bad input: documented-shape answers with null sections,
// unknown extra fields, and numbers where strings are documented (and the
// reverse) are read leniently where unambiguous; anything else is
// source.ErrMalformed, never a silently wrong value.
func TestLenientAnswers(t *testing.T) {
	vectra, vpn, dp := mustAddr("45.130.202.105"), mustAddr("1.1.1.1"), mustAddr("8.8.8.8")
	for name, c := range map[string]struct {
		decode func() (bool, error) // found anything
		found  bool
	}{
		"VectraIP null sections": {func() (bool, error) {
			r, err := decodeVectraIP("v", vectra, []byte(`{"query":{"ip":"45.130.202.105"},"privacy":null,"geo":null,"network":null,"monitoring":null,"risk":null,"meta":null}`))
			return !r.IsZero(), err
		}, false},
		"VectraIP extra fields, numbers as strings": {func() (bool, error) {
			r, err := decodeVectraIP("v", vectra, []byte(`{"query":{"ip":"45.130.202.105","shard":7},"privacy":{"is_vpn":true,"risk_score":"72"},
				"network":{"asn":137409,"cidr":"45.130.202.0/23"},"risk":{"score":"74","vpn_confidence":80.0,"datacenter_risk":"60"},"extra":{"a":[1]}}`))
			return !r.IsZero() && r.Network.ASN == 137409 && r.Signals[0].Confidence == 80, err
		}, true},
		"VectraIP monitoring confidence as a number": {func() (bool, error) {
			r, err := decodeVectraIP("v", vectra, []byte(`{"monitoring":{"detected":true,"provider":"UptimeRobot","confidence":70}}`))
			return len(r.Signals) == 1 && r.Signals[0].Confidence == 70, err
		}, true},
		"VectraIP batch counts as strings": {func() (bool, error) {
			_, ans, err := decodeVectraIPBatch("v", []netip.Addr{vectra}, []byte(`{"results":[{"query":{"ip":"45.130.202.105"},"privacy":{"is_tor":true}}],"processed":"1","errors":null}`))
			return len(ans) == 1 && ans[0], err
		}, true},
		"VPN Signal numbers as strings, null sections": {func() (bool, error) {
			r, err := decodeVPNSignal("s", vpn, []byte(`{"ip":"1.1.1.1","is_vpn":true,"risk_score":"30","company":null,"location":null,"asn":{"number":"13335","route":"1.1.1.0/24"}}`))
			return r.Network != nil && r.Network.ASN == 13335, err
		}, true},
		"Datpaq bare record, trust_score as a string": {func() (bool, error) {
			r, err := decodeDatpaq("d", dp, []byte(`{"ip":"8.8.8.8","trust_score":"95","asn":15169,"country":"US","org":"Google LLC","extra":true}`))
			return r.Network != nil && r.Network.ASN == 15169, err
		}, true},
		"Datpaq enveloped record": {func() (bool, error) {
			r, err := decodeDatpaq("d", dp, []byte(`{"success":true,"data":{"ip":"8.8.8.8","trust_score":95,"country":"US"},"correlationId":"c"}`))
			return !r.IsZero(), err
		}, true},
		"Datpaq data null is a miss": {func() (bool, error) {
			r, err := decodeDatpaq("d", dp, []byte(`{"success":true,"data":null,"correlationId":"c"}`))
			return !r.IsZero(), err
		}, false},
		"Datpaq batch error flag as a message": {func() (bool, error) {
			_, ans, err := decodeDatpaqBatch("d", []netip.Addr{dp}, []byte(`{"success":true,"data":{"results":[{"ip":"8.8.8.8","error":"lookup timed out"}]}}`))
			return ans[0], err
		}, false},
	} {
		t.Run(name, func(t *testing.T) {
			found, err := c.decode()
			if err != nil || found != c.found {
				t.Errorf("found %v, %v; want found %v, no error", found, err, c.found)
			}
		})
	}
}

func TestMalformedAnswers(t *testing.T) {
	vectra, vpn, dp := mustAddr("45.130.202.105"), mustAddr("1.1.1.1"), mustAddr("8.8.8.8")
	for name, decode := range map[string]func() error{
		"VectraIP fraction where an int 0–100 is documented": func() error {
			_, err := decodeVectraIP("v", vectra, []byte(`{"risk":{"fraud_probability":0.7}}`))
			return err
		},
		"VectraIP figure above 100": func() error {
			_, err := decodeVectraIP("v", vectra, []byte(`{"risk":{"datacenter_risk":150}}`))
			return err
		},
		"VectraIP object where a string is documented": func() error {
			_, err := decodeVectraIP("v", vectra, []byte(`{"network":{"asn":{"n":1}}}`))
			return err
		},
		"VectraIP batch errors as a list": func() error {
			_, _, err := decodeVectraIPBatch("v", []netip.Addr{vectra}, []byte(`{"results":[],"processed":0,"errors":[{"ip":"x"}]}`))
			return err
		},
		"VectraIP batch without results": func() error {
			_, _, err := decodeVectraIPBatch("v", []netip.Addr{vectra}, []byte(`{"processed":0,"errors":1}`))
			return err
		},
		"VPN Signal negative risk": func() error {
			_, err := decodeVPNSignal("s", vpn, []byte(`{"ip":"1.1.1.1","risk_score":-1}`))
			return err
		},
		"VPN Signal AS number out of range": func() error {
			_, err := decodeVPNSignal("s", vpn, []byte(`{"ip":"1.1.1.1","asn":{"number":4294967296}}`))
			return err
		},
		"Datpaq success false": func() error {
			_, err := decodeDatpaq("d", dp, []byte(`{"success":false,"error":"x"}`))
			return err
		},
		"Datpaq nothing": func() error {
			_, err := decodeDatpaq("d", dp, []byte(`{}`))
			return err
		},
		"Datpaq trust_score out of range": func() error {
			_, err := decodeDatpaq("d", dp, []byte(`{"ip":"8.8.8.8","trust_score":140}`))
			return err
		},
		"Datpaq trust_score a fraction": func() error {
			_, err := decodeDatpaq("d", dp, []byte(`{"ip":"8.8.8.8","trust_score":0.95}`))
			return err
		},
		"Datpaq answer for another address": func() error {
			_, err := decodeDatpaq("d", dp, []byte(`{"ip":"8.8.4.4","trust_score":95}`))
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			if err := decode(); !errors.Is(err, source.ErrMalformed) {
				t.Errorf("got %v, want source.ErrMalformed", err)
			}
		})
	}
}

// VectraIP documents its request id in the X-Request-Id header: an error
// answer without an id in its body is named by the header.
func TestRequestIDHeaderNamesErrors(t *testing.T) {
	f := newFake(t, "vectraip")
	f.fault = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("X-Request-Id", "req_a1b2c3d4")
		writeJSON(w, 500, wire.VectraIPError{Detail: "Internal server error"})
		return true
	}
	s := newTestSource(t, f, WithRetries(0))
	_, err := s.Lookup(context.Background(), mustAddr("45.130.202.105"))
	var se *StatusError
	if !errors.As(err, &se) || se.RequestID != "req_a1b2c3d4" || !strings.Contains(err.Error(), "req_a1b2c3d4") {
		t.Errorf("got %v (%+v)", err, se)
	}
}

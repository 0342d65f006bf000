package compat_test

import (
	"encoding/json"
	"testing"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/compat"
)

// A Result read from JSON whose reasons or signals lack a kind (found by
// FuzzCompat) still encodes, in our shape and the hosted APIs' shapes.
func TestKindlessReasonAndSignalEncode(t *testing.T) {
	for _, in := range []string{`{"risk":{"reasons":[{}]}}`, `{"signals":[{}]}`} {
		var r ipintel.Result
		if err := json.Unmarshal([]byte(in), &r); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		for _, v := range []any{&r, compat.VectraIP(&r), compat.VPNSignal(&r), compat.Datpaq(&r)} {
			if _, err := json.Marshal(v); err != nil {
				t.Errorf("%s: %T does not encode: %v", in, v, err)
			}
		}
	}
}

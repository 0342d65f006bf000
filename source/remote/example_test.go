package remote_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"

	"github.com/ipintel/ipintel/source/remote"
)

// A stand-in for api.vectraip.com serving its documented example.
func vectraServer() *httptest.Server {
	example, _ := os.ReadFile("testdata/vectraip_45.130.202.105.json")
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-API-Key") != "vip_live_example" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"detail": "Invalid or missing API key"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(example)
	}))
}

func ExampleVectraIP() {
	srv := vectraServer()
	defer srv.Close()

	// In production, omit WithBaseURL and pass the key from the environment.
	src, err := remote.VectraIP("vip_live_example", remote.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	defer src.Close()

	rec, err := src.Lookup(context.Background(), netip.MustParseAddr("45.130.202.105"))
	if err != nil {
		panic(err)
	}
	fmt.Println(rec.Prefix, rec.Network.ASN, rec.Network.Organization, rec.Geo.CountryCode)
	for _, s := range rec.Signals {
		fmt.Printf("%s %d %q\n", s.Kind, s.Confidence, s.Category)
	}
	// Output:
	// 45.130.202.0/23 AS137409 GSL Networks Pty LTD TR
	// vpn 80 "vpn_exit"
	// hosting 80 ""
	// provider_risk 74 "high"
}

func ExampleStatusError() {
	srv := vectraServer()
	defer srv.Close()

	src, _ := remote.VectraIP("vip_live_wrong", remote.WithBaseURL(srv.URL))
	defer src.Close()

	_, err := src.Lookup(context.Background(), netip.MustParseAddr("45.130.202.105"))
	var se *remote.StatusError
	if errors.As(err, &se) {
		fmt.Println(se.Status, errors.Is(err, remote.ErrUnauthorized))
	}
	fmt.Println(err)
	// Output:
	// 401 true
	// remote: vectraip: HTTP 401 Unauthorized: Invalid or missing API key
}

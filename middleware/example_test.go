package middleware_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/middleware"
	"github.com/ipintel/ipintel/source/mmdb"
)

func ExampleNew() {
	anon, err := mmdb.Open("../testdata/ipintel-Anonymous-IP.mmdb")
	if err != nil {
		panic(err)
	}
	client, err := ipintel.New(ipintel.WithSources(anon))
	if err != nil {
		panic(err)
	}
	defer client.Close()

	guard, err := middleware.New(client,
		middleware.WithTrustedProxies([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}),
		middleware.WithSkipPaths("/healthz"))
	if err != nil {
		panic(err)
	}
	app := guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip, _ := middleware.ClientIP(r.Context())
		// No result for a private peer, a skipped path or a failed
		// lookup: check ok before using it.
		if res, ok := middleware.FromContext(r.Context()); ok {
			fmt.Fprintf(w, "hello %v (VPN: %v)", ip, res.Privacy.IsVPN)
			return
		}
		fmt.Fprintf(w, "hello %v (not checked)", ip)
	}))

	for _, xff := range []string{"45.130.202.105", "185.220.101.1", "192.168.1.20"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "10.0.0.1:5555" // the load balancer
		r.Header.Set("X-Forwarded-For", xff)
		w := httptest.NewRecorder()
		app.ServeHTTP(w, r)
		body, _ := io.ReadAll(w.Body)
		fmt.Printf("%d %s\n", w.Code, bytes.TrimSpace(body))
	}
	// Output:
	// 200 hello 45.130.202.105 (VPN: true)
	// 403 {"error":"forbidden","reason":"TOR_EXIT"}
	// 200 hello 192.168.1.20 (not checked)
}

func ExampleResolver_ClientIP() {
	res, err := middleware.NewResolver([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "")
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Forwarded-For", "8.8.8.8, 81.2.69.142, 10.0.0.2")

	r.RemoteAddr = "203.0.113.7:1234" // not a trusted proxy: the header is ignored
	fmt.Println(res.ClientIP(r))
	r.RemoteAddr = "10.0.0.1:1234" // the load balancer: the rightmost untrusted entry
	fmt.Println(res.ClientIP(r))
	// Output:
	// 203.0.113.7 <nil>
	// 81.2.69.142 <nil>
}

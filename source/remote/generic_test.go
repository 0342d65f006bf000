package remote

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ipintel/ipintel/source"
)

type genericAnswer struct {
	IP      string `json:"ip"`
	Proxy   bool   `json:"proxy"`
	Country string `json:"country_code"`
}

func decodeGeneric(a netip.Addr, b []byte) (source.Record, error) {
	var g genericAnswer
	if err := json.Unmarshal(b, &g); err != nil {
		return source.Record{}, err
	}
	rec := source.Record{Geo: &source.Geo{CountryCode: g.Country}}
	if g.Proxy {
		rec.Signals = []source.Signal{{Kind: source.Proxy, Confidence: 70, Source: "generic"}}
	}
	return rec, nil
}

func genericServer(t *testing.T, hits *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("X-Key") != testKey {
			writeJSON(w, 401, map[string]string{"error": "unauthorized", "message": "bad key"})
			return
		}
		var ip string
		switch {
		case strings.HasPrefix(r.URL.Path, "/json/"):
			ip = strings.TrimPrefix(r.URL.Path, "/json/")
		case r.URL.Path == "/lookup":
			ip = r.URL.Query().Get("addr")
		case r.URL.Path == "/post":
			b, _ := io.ReadAll(r.Body)
			var req struct{ Query string }
			json.Unmarshal(b, &req)
			ip = req.Query
		}
		a, err := netip.ParseAddr(ip)
		if err != nil {
			writeJSON(w, 400, map[string]string{"detail": "bad ip " + ip})
			return
		}
		if missingNet.Contains(a) {
			writeJSON(w, 404, map[string]string{"message": "not found"})
			return
		}
		writeJSON(w, 200, genericAnswer{IP: a.String(), Proxy: true, Country: "DE"})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestGenericNew(t *testing.T) {
	var hits atomic.Int64
	srv := genericServer(t, &hits)
	for name, e := range map[string]Endpoint{
		"path":  {Name: "generic", URL: srv.URL + "/json/{ip}", Auth: Auth{Header: "X-Key"}, Decode: decodeGeneric},
		"query": {Name: "generic", URL: "https://api.example.com/lookup?addr={ip}&fields=all", Auth: Auth{Header: "X-Key"}, Decode: decodeGeneric},
		"post": {Name: "generic", Method: "post", URL: srv.URL + "/post", Auth: Auth{Header: "X-Key"}, Decode: decodeGeneric,
			Body: func(a netip.Addr) ([]byte, error) { return json.Marshal(map[string]string{"query": a.String()}) }},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := New(testKey, e, WithBaseURL(srv.URL))
			require.NoError(t, err)
			defer s.Close()
			for _, a := range []string{"45.1.1.1", "2a01:4f8::1"} {
				rec, err := s.Lookup(context.Background(), mustAddr(a))
				require.NoError(t, err, a)
				assert.Equal(t, "DE", rec.Geo.CountryCode)
				assert.Equal(t, source.Proxy, rec.Signals[0].Kind)
			}
			rec, err := s.Lookup(context.Background(), mustAddr("9.9.1.1"))
			require.NoError(t, err)
			assert.True(t, rec.IsZero(), "404 is a miss")
			recs, err := s.LookupBatch(context.Background(), []netip.Addr{mustAddr("45.2.2.2"), mustAddr("45.2.2.3"), mustAddr("9.9.1.2")})
			require.NoError(t, err)
			assert.False(t, recs[0].IsZero())
			assert.True(t, recs[2].IsZero())
		})
	}

	// Bad key: the {"error","message"} envelope is read.
	s, err := New("nope-wrong", Endpoint{Name: "g", URL: srv.URL + "/json/{ip}", Auth: Auth{Header: "X-Key"}, Decode: decodeGeneric})
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	var se *StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "unauthorized", se.Code)
	assert.Equal(t, "bad key", se.Message)
}

func TestGenericDecoderPanicIsAnError(t *testing.T) {
	var hits atomic.Int64
	srv := genericServer(t, &hits)
	s, err := New(testKey, Endpoint{Name: "g", URL: srv.URL + "/json/{ip}", Auth: Auth{Header: "Authorization", Prefix: "Bearer "},
		Decode: func(netip.Addr, []byte) (source.Record, error) { panic("boom") }})
	require.NoError(t, err)
	defer s.Close()
	s.api.header = "X-Key" // the server wants X-Key
	s.api.prefix = ""
	_, err = s.Lookup(context.Background(), mustAddr("45.1.1.1"))
	require.ErrorIs(t, err, source.ErrMalformed)
}

func TestGenericConfig(t *testing.T) {
	ok := Endpoint{Name: "g", URL: "https://x.example/{ip}", Auth: Auth{Header: "Authorization", Prefix: "Bearer "}, Decode: decodeGeneric}
	for name, mut := range map[string]func(e *Endpoint){
		"no name":        func(e *Endpoint) { e.Name = "" },
		"no decode":      func(e *Endpoint) { e.Decode = nil },
		"no auth":        func(e *Endpoint) { e.Auth = Auth{} },
		"method":         func(e *Endpoint) { e.Method = "DELETE" },
		"key in URL":     func(e *Endpoint) { e.URL = "https://x.example/{ip}?api_key=" + testKey },
		"relative URL":   func(e *Endpoint) { e.URL = "/v1/{ip}" },
		"no ip anywhere": func(e *Endpoint) { e.URL = "https://x.example/lookup" },
	} {
		e := ok
		mut(&e)
		_, err := New(testKey, e)
		assert.ErrorIs(t, err, source.ErrInvalidOption, name)
		if err != nil {
			noLeak(t, "config error", err.Error())
		}
	}
	s, err := New(testKey, ok)
	require.NoError(t, err)
	s.Close()
}

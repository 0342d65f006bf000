package remote

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/ipintel/ipintel/source"
)

// Auth says how a key is sent: in a request header, optionally after a
// prefix: Auth{Header: "X-API-Key"}, or Auth{Header: "Authorization",
// Prefix: "Bearer "} for a bearer token. There is deliberately no
// query-parameter form: a key in a URL ends up in logs, proxies and error
// messages.
type Auth struct {
	Header string // "X-API-Key", "Authorization"
	Prefix string // "Bearer " or ""
}

// Endpoint describes a JSON API for [New].
type Endpoint struct {
	// Name identifies the source ("ipapi"); required.
	Name string
	// Method is GET (the default) or POST.
	Method string
	// URL is an absolute URL template; "{ip}" is replaced by the address,
	// escaped for its place (path or query): "https://api.example.com/v2/{ip}"
	// or "https://api.example.com/lookup?addr={ip}". [WithBaseURL] replaces
	// its scheme and host. It must not contain the key.
	URL string
	// Auth says how the key is sent; required.
	Auth Auth
	// Body, if set, returns the JSON request body for addr.
	Body func(addr netip.Addr) ([]byte, error)
	// Decode maps a 2xx response body to a Record; a zero Record is a
	// miss. Return an error for a body that is not what the API documents.
	// It must not panic on any input.
	Decode func(addr netip.Addr, body []byte) (source.Record, error)
	// NotFound reports whether a non-2xx answer means "not in the
	// provider's data"; nil means a 404 is a miss.
	NotFound func(status int, body []byte) bool
}

// New returns a source for any JSON API that answers one address per
// request. LookupBatch sends single requests concurrently (see
// [WithConcurrency]). Error bodies are read as {"detail"}, {"error",
// "message"} or {"message"}, whichever matches.
func New(key string, e Endpoint, opts ...Option) (*Source, error) {
	if strings.TrimSpace(e.Name) == "" || e.Decode == nil || e.Auth.Header == "" {
		return nil, fmt.Errorf("%w: endpoint needs a Name, a Decode func and an Auth header", errConfig)
	}
	method := strings.ToUpper(e.Method)
	if method == "" {
		method = http.MethodGet
	}
	if method != http.MethodGet && method != http.MethodPost {
		return nil, fmt.Errorf("%w: method %q", errConfig, e.Method)
	}
	if len(key) >= 6 && strings.Contains(e.URL, key) {
		return nil, fmt.Errorf("%w: the URL template contains the key; use Auth", errConfig)
	}
	u, err := url.Parse(strings.ReplaceAll(e.URL, "{ip}", "IPINTEL-IP"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Fragment != "" {
		return nil, fmt.Errorf("%w: Endpoint.URL must be an absolute http or https URL, without credentials or fragment", errConfig)
	}
	if !strings.Contains(e.URL, "{ip}") && e.Body == nil {
		return nil, fmt.Errorf("%w: the address goes nowhere: no {ip} in the URL and no Body", errConfig)
	}
	base := u.Scheme + "://" + u.Host
	pathT := u.EscapedPath()
	queryT := u.RawQuery
	decode := e.Decode
	notFound := e.NotFound
	return newSource(api{
		name:     e.Name,
		baseURL:  base,
		header:   e.Auth.Header,
		prefix:   e.Auth.Prefix,
		maxBatch: 100,
		single: func(a netip.Addr) (request, error) {
			r := request{method: method, path: strings.ReplaceAll(pathT, "IPINTEL-IP", url.PathEscape(a.String()))}
			if queryT != "" {
				q, err := url.ParseQuery(queryT)
				if err != nil {
					return request{}, fmt.Errorf("%w: endpoint query", errConfig)
				}
				for k, vs := range q {
					for i, v := range vs {
						vs[i] = strings.ReplaceAll(v, "IPINTEL-IP", a.String())
					}
					q[k] = vs
				}
				r.query = q
			}
			if e.Body != nil {
				b, err := e.Body(a)
				if err != nil {
					return request{}, fmt.Errorf("remote: %s: request body: %w", e.Name, err)
				}
				r.body = b
			}
			return r, nil
		},
		decode: func(_ string, a netip.Addr, body []byte) (rec source.Record, err error) {
			defer func() {
				if p := recover(); p != nil {
					rec, err = source.Record{}, fmt.Errorf("%w: decoder panicked", errMalformed)
				}
			}()
			return decode(a, body)
		},
		envelope: genericEnvelope,
		miss: func(status int, env envelope) bool {
			if notFound != nil {
				return notFound(status, []byte(env.raw))
			}
			return status == http.StatusNotFound
		},
	}, key, opts)
}

func genericEnvelope(b []byte) envelope {
	var e struct {
		Detail     json.RawMessage `json:"detail"`
		Error      json.RawMessage `json:"error"`
		Message    string          `json:"message"`
		RetryAfter int             `json:"retry_after"`
	}
	env := envelope{raw: string(b)}
	if json.Unmarshal(b, &e) != nil {
		return env
	}
	text := func(r json.RawMessage) string {
		var s string
		if json.Unmarshal(r, &s) == nil {
			return s
		}
		return ""
	}
	env.code, env.message = text(e.Error), e.Message
	if d := text(e.Detail); d != "" && env.message == "" {
		env.message = d
	}
	if env.code != "" && env.message == "" {
		env.code, env.message = "", env.code
		if isCode(strings.ToUpper(env.message)) {
			env.code, env.message = env.message, ""
		}
	}
	env.ok = env.code != "" || env.message != ""
	if e.RetryAfter > 0 {
		env.retryAfter = time.Duration(min(e.RetryAfter, 86400)) * time.Second
	}
	return env
}

package serve

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// keySpec is one configured API key and its plans. The keys file holds one
// a line: "KEY", or "KEY vectraip=PLAN vpnsignal=PLAN" to give that key
// other plans than the defaults.
type keySpec struct {
	key              string
	vectraIP, vpnSig string // plan names; "" for the default
}

// account is what a valid key is allowed: its plans in each API, and id,
// the key's digest, which identifies it to the rate limiters (the key
// itself is never a map key, a label or a log field).
type account struct {
	id       string
	vectraIP vectraPlan
	vpnSig   vpnPlan
}

// keyring holds the accepted API keys by SHA-256 digest: a presented key
// is hashed and looked up, so the comparison does not depend on how much
// of a key matches, and the keys themselves are not kept in memory.
type keyring map[[sha256.Size]byte]*account

// errNoKeys: no API key was configured.
var errNoKeys = errors.New("serve: no API keys configured")

// minKeyLen is the shortest key accepted, in characters. Failed
// authentication is throttled per client address (see authThrottle), but a
// key must also be long enough that guessing it is hopeless: 20 random
// characters of even a 16-letter alphabet are 80 bits.
const minKeyLen = 20

// errWeakKey: a configured key is shorter than minKeyLen.
var errWeakKey = fmt.Errorf("serve: API key shorter than %d characters", minKeyLen)

// checkKey refuses a key shorter than minKeyLen; where says which key it
// is ("keys file, line 3") since the key itself is never repeated.
func checkKey(key, where string) error {
	if n := utf8.RuneCountInString(key); n < minKeyLen {
		return fmt.Errorf("%w: %s has %d (generate one with: openssl rand -hex 16)", errWeakKey, where, n)
	}
	return nil
}

// plans are the default plans of keys that name none.
type plans struct {
	vectraIP vectraPlan
	vpnSig   vpnPlan
}

func vectraIPPlan(name string) (vectraPlan, error) {
	for _, p := range vectraIPPlans {
		if strings.EqualFold(p.Name, name) {
			return p, nil
		}
	}
	return vectraPlan{}, fmt.Errorf("serve: unknown VectraIP plan %q (free, developer, business, enterprise)", echo(name))
}

func vpnSignalPlan(name string) (vpnPlan, error) {
	for _, p := range vpnSignalPlans {
		if strings.EqualFold(p.Name, name) {
			return p, nil
		}
	}
	return vpnPlan{}, fmt.Errorf("serve: unknown VPN Signal plan %q (free, starter, pro, enterprise)", echo(name))
}

func newKeyring(specs []keySpec, def plans) (keyring, error) {
	k := make(keyring, len(specs))
	for i, s := range specs {
		key := strings.TrimSpace(s.key)
		if key == "" {
			continue
		}
		if err := checkKey(key, fmt.Sprintf("key %d", i+1)); err != nil {
			return nil, err
		}
		sum := sha256.Sum256([]byte(key))
		a := &account{id: string(sum[:]), vectraIP: def.vectraIP, vpnSig: def.vpnSig}
		var err error
		if s.vectraIP != "" {
			if a.vectraIP, err = vectraIPPlan(s.vectraIP); err != nil {
				return nil, err
			}
		}
		if s.vpnSig != "" {
			if a.vpnSig, err = vpnSignalPlan(s.vpnSig); err != nil {
				return nil, err
			}
		}
		k[sum] = a
	}
	if len(k) == 0 {
		return nil, errNoKeys
	}
	return k, nil
}

// check returns the account of a valid key, nil when the key is missing or
// unknown.
func (k keyring) check(key string) *account {
	if key == "" {
		return nil
	}
	return k[sha256.Sum256([]byte(key))]
}

// maxKeysFile bounds the keys file: some ten thousand keys.
const maxKeysFile = 1 << 20

// readKeys reads one key a line, with optional plans after it; blank lines
// and lines starting with # are skipped. A key shorter than minKeyLen is an
// error naming its line. A line of 1 KiB or more is an
// error, without echoing it, and so is a file over maxKeysFile: cut short, it
// would lose keys and end on a partial one.
func readKeys(r io.Reader) ([]keySpec, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxKeysFile+1))
	if err != nil {
		return nil, fmt.Errorf("serve: keys file: %w", err)
	}
	if len(data) > maxKeysFile {
		return nil, fmt.Errorf("serve: keys file is over %d bytes", maxKeysFile)
	}
	var keys []keySpec
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1024), 1024)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if err := checkKey(fields[0], fmt.Sprintf("keys file, line %d,", line)); err != nil {
			return nil, err
		}
		s := keySpec{key: fields[0]}
		for _, f := range fields[1:] {
			api, plan, _ := strings.Cut(f, "=")
			switch api {
			case "vectraip":
				s.vectraIP = plan
			case "vpnsignal":
				s.vpnSig = plan
			default:
				return nil, fmt.Errorf("serve: keys file, line %d: want vectraip=PLAN or vpnsignal=PLAN after the key", line)
			}
		}
		keys = append(keys, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("serve: keys file, line %d: %w", line+1, err)
	}
	return keys, nil
}

// bearer returns the token of "Authorization: Bearer <token>".
func bearer(r *http.Request) string {
	v := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// newKey returns a random key for -dev: 128 bits, hex.
func newKey() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newRequestID returns a random request id in VectraIP's documented form,
// "req_" and 16 hex digits (not a secret).
func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return "req_" + hex.EncodeToString(b[:])
}

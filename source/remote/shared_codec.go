package remote

import (
	"encoding/json"
	"errors"
	"net/netip"
	"time"

	"github.com/ipintel/ipintel/source"
)

// A shared value is: the magic byte 'R', the schema version, a tag byte
// ('-' for a miss, 'J' for a hit) and, for a hit, the record as JSON in
// sharedRecord's shape. The schema version is also in every key (see
// shared.key), so two releases with different schemas never read each
// other's entries; the copy in the value catches garbage and collisions.
const (
	sharedMagic   = 'R'
	sharedVersion = 1
	sharedMiss    = '-'
	sharedHit     = 'J'
	// maxSharedValue bounds what is decoded: a record is well under 2 KB.
	maxSharedValue = 64 << 10
)

// errSharedValue says a stored value is corrupt, truncated, too large or of
// another schema: it is treated as absent.
var errSharedValue = errors.New("remote: shared cache value unreadable")

// sharedRecord is a source.Record as stored, with short stable names so
// that a change to source.Record cannot silently change the stored form.
type sharedRecord struct {
	Prefix  netip.Prefix    `json:"p,omitzero"`
	Geo     *source.Geo     `json:"g,omitempty"`
	Network *source.Network `json:"n,omitempty"`
	Signals []sharedSignal  `json:"s,omitempty"`
}

type sharedSignal struct {
	Kind       source.Kind `json:"k"`
	Confidence int         `json:"c"`
	Provider   string      `json:"p,omitempty"`
	Source     string      `json:"s,omitempty"`
	Category   string      `json:"t,omitempty"`
	FirstSeen  time.Time   `json:"f,omitzero"`
	LastSeen   time.Time   `json:"l,omitzero"`
}

func encodeShared(rec source.Record) ([]byte, error) {
	if rec.IsZero() {
		return []byte{sharedMagic, sharedVersion, sharedMiss}, nil
	}
	sr := sharedRecord{Prefix: rec.Prefix, Geo: rec.Geo, Network: rec.Network}
	for _, sg := range rec.Signals {
		sr.Signals = append(sr.Signals, sharedSignal(sg))
	}
	b, err := json.Marshal(sr)
	if err != nil {
		return nil, err
	}
	return append([]byte{sharedMagic, sharedVersion, sharedHit}, b...), nil
}

// decodeShared reads a stored value for addr. Anything but a well-formed
// value of this schema that makes sense for addr is errSharedValue.
func decodeShared(b []byte, addr netip.Addr) (source.Record, error) {
	if len(b) < 3 || len(b) > maxSharedValue || b[0] != sharedMagic || b[1] != sharedVersion {
		return source.Record{}, errSharedValue
	}
	switch b[2] {
	case sharedMiss:
		if len(b) != 3 {
			return source.Record{}, errSharedValue
		}
		return source.Record{}, nil
	case sharedHit:
	default:
		return source.Record{}, errSharedValue
	}
	var sr sharedRecord
	if err := json.Unmarshal(b[3:], &sr); err != nil {
		return source.Record{}, errSharedValue
	}
	rec := source.Record{Prefix: sr.Prefix, Geo: sr.Geo, Network: sr.Network}
	// We store only networks that hold the address (checkPrefix): one that
	// does not was not written by us.
	if !holds(rec.Prefix, addr) || rec.Network != nil && !holds(rec.Network.CIDR, addr) {
		return source.Record{}, errSharedValue
	}
	for _, sg := range sr.Signals {
		if sg.Confidence < 0 || sg.Confidence > 100 || !sg.Kind.Valid() {
			return source.Record{}, errSharedValue
		}
		rec.Signals = append(rec.Signals, source.Signal(sg))
	}
	if rec.IsZero() {
		// A hit must carry something; an empty one was not written by us.
		return source.Record{}, errSharedValue
	}
	return rec, nil
}

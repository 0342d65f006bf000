package snapshot

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
)

// maxSection bounds the decompressed size a header may announce, so a
// corrupt length cannot make Decode allocate without limit.
const maxSection = 128 << 20

// Decode reads the form [Encode] writes. Any damage (a flipped byte, a
// truncation, a wrong header, a manifest whose counts the data does not
// match) returns an error wrapping [ErrCorrupt]; it never panics. The
// sections decompress and decode in parallel.
func Decode(data []byte) (*Snapshot, error) {
	if len(data) < headerSize || string(data[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: not a snapshot (bad header)", ErrCorrupt)
	}
	if v := data[len(magic)]; v != version {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrCorrupt, v, version)
	}
	var parts [sections]struct {
		zipped []byte
		size   uint32
		sum    uint32
	}
	off := headerSize
	for i := range parts {
		h := data[len(magic)+1+12*i:]
		n := binary.BigEndian.Uint32(h)
		parts[i].size, parts[i].sum = binary.BigEndian.Uint32(h[4:]), binary.BigEndian.Uint32(h[8:])
		if uint64(n) > uint64(len(data)-off) || parts[i].size > maxSection {
			return nil, fmt.Errorf("%w: section %d does not fit", ErrCorrupt, i+1)
		}
		parts[i].zipped = data[off : off+int(n)]
		off += int(n)
	}
	if off != len(data) {
		return nil, fmt.Errorf("%w: %d bytes after the last section", ErrCorrupt, len(data)-off)
	}

	s := &Snapshot{}
	var errs [sections]error
	var maxCombo [sections]uint64
	var wg sync.WaitGroup
	for i, run := range []func(d *decoder){s.decodeManifest, s.decodeMeta, s.decodeSteps4, s.decodeSteps6} {
		wg.Go(func() {
			body, err := inflate(parts[i].zipped, parts[i].size, parts[i].sum)
			if err != nil {
				errs[i] = fmt.Errorf("section %d: %w", i+1, err)
				return
			}
			d := &decoder{buf: body}
			run(d)
			if d.err == nil && d.off != len(body) {
				d.fail("%d trailing bytes", len(body)-d.off)
			}
			errs[i], maxCombo[i] = d.err, d.maxCombo
		})
	}
	wg.Wait()
	for _, err := range errs { // the first, on one line
		if err != nil {
			return nil, err
		}
	}
	// The step sections were decoded without knowing how many combos the
	// first one holds: check their largest index now.
	if max(maxCombo[2], maxCombo[3]) >= uint64(len(s.Combos)) {
		return nil, fmt.Errorf("%w: combo index out of range", ErrCorrupt)
	}
	if got := CountsOf(s); got != s.Manifest.Counts {
		return nil, fmt.Errorf("%w: the data holds %+v, its manifest says %+v", ErrCorrupt, got, s.Manifest.Counts)
	}
	return s, nil
}

// inflate decompresses one section and checks its length and checksum.
func inflate(zipped []byte, size, sum uint32) ([]byte, error) {
	body := make([]byte, size)
	// bytes.Reader is an io.ByteReader, so flate reads no further than its
	// stream's end and what remains after it is measurable.
	rest := bytes.NewReader(zipped)
	zr := flate.NewReader(rest)
	if _, err := io.ReadFull(zr, body); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	// The stream must end exactly here, with its end-of-stream marker: a
	// cut or altered tail shows up as a read error or extra bytes.
	if n, err := zr.Read(make([]byte, 1)); n != 0 || !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: compressed stream does not end after the section (%v)", ErrCorrupt, err)
	}
	if rest.Len() != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the compressed stream", ErrCorrupt, rest.Len())
	}
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	return body, nil
}

// decoder reads varints from buf, keeping the first error.
type decoder struct {
	buf      []byte
	off      int
	err      error
	maxCombo uint64 // the largest combo index read by combo
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf[d.off:])
	if n <= 0 {
		d.fail("bad number at byte %d", d.off)
		return 0
	}
	d.off += n
	return v
}

// count reads a count of items each taking at least minBytes, refusing one
// the remaining data cannot hold.
func (d *decoder) count(what string, minBytes int) int {
	n := d.uvarint()
	if n > uint64((len(d.buf)-d.off)/minBytes) {
		d.fail("%d %s do not fit in the data", n, what)
		return 0
	}
	return int(n)
}

// index reads a number that must be below limit.
func (d *decoder) index(what string, limit int) uint64 {
	v := d.uvarint()
	if v >= uint64(limit) {
		d.fail("%s index %d out of range (%d)", what, v, limit)
		return 0
	}
	return v
}

// bytes returns the next n bytes, which alias the body.
func (d *decoder) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.buf)-d.off {
		d.fail("data runs past the end")
		return nil
	}
	b := d.buf[d.off : d.off+n]
	d.off += n
	return b
}

// decodeManifest reads section 0, the manifest.
func (s *Snapshot) decodeManifest(d *decoder) {
	var m Manifest
	if err := json.Unmarshal(d.buf, &m); err != nil {
		d.fail("manifest: %v", err)
		return
	}
	if m.Output != nil {
		d.fail("manifest has an output record")
		return
	}
	d.off = len(d.buf)
	s.Manifest = &m
}

// decodeMeta reads section 1: countries, networks, combos.
func (s *Snapshot) decodeMeta(d *decoder) {
	n := d.count("countries", 2)
	s.Countries = make([]string, 1, n+1)
	for range n {
		cc := string(d.bytes(2))
		if d.err == nil && !validCountry(cc) {
			d.fail("country code %q", cc)
		}
		s.Countries = append(s.Countries, cc)
	}
	n = d.count("networks", 2)
	s.Networks = make([]Network, 1, n+1)
	// The organisations are copied into one string that they all slice, so
	// decoding allocates once for them instead of once per network.
	asn := uint64(0)
	var orgs []byte
	ends := make([]int, 0, n)
	for range n {
		asn += d.uvarint()
		if asn > 1<<32-1 {
			d.fail("AS number %d", asn)
		}
		orgs = append(orgs, d.bytes(int(d.index("organisation length", 256)))...)
		ends = append(ends, len(orgs))
		s.Networks = append(s.Networks, Network{ASN: uint32(asn)})
	}
	all, start := string(orgs), 0
	for i, end := range ends {
		s.Networks[i+1].Org = all[start:end]
		start = end
	}
	n = d.count("combos", 2)
	s.Combos = make([]Combo, 1, n+1)
	for range n {
		cc := d.index("country", len(s.Countries))
		net := d.index("network", len(s.Networks))
		s.Combos = append(s.Combos, Combo{Country: uint16(cc), Network: uint32(net)})
	}
}

// decodeSteps4 reads section 2.
func (s *Snapshot) decodeSteps4(d *decoder) {
	n := d.count("IPv4 steps", 2)
	s.Starts4, s.Vals4 = make([]uint32, 0, n), make([]uint32, 0, n)
	var at uint64
	for i := range n {
		delta := d.uvarint()
		if (i == 0) != (delta == 0) || at+delta > 1<<32-1 {
			d.fail("IPv4 step %d does not follow the previous one", i)
		}
		at += delta
		s.Starts4 = append(s.Starts4, uint32(at))
		s.Vals4 = append(s.Vals4, d.combo())
	}
	if d.err == nil && n == 0 {
		d.fail("no IPv4 steps")
	}
}

// decodeSteps6 reads section 3.
func (s *Snapshot) decodeSteps6(d *decoder) {
	n := d.count("IPv6 steps", 3)
	s.Starts6, s.Vals6 = make([]U128, 0, n), make([]uint32, 0, n)
	var p U128
	for i := range n {
		dHi := d.uvarint()
		lo := d.uvarint()
		next := U128{Hi: p.Hi + dHi, Lo: lo}
		if dHi == 0 {
			next.Lo = p.Lo + lo
		}
		ok := next.Hi >= p.Hi && (dHi != 0 || next.Lo >= p.Lo)
		if !ok || (i == 0) != (next == U128{}) || (i > 0 && !p.Less(next)) {
			d.fail("IPv6 step %d does not follow the previous one", i)
		}
		p = next
		s.Starts6 = append(s.Starts6, next)
		s.Vals6 = append(s.Vals6, d.combo())
	}
	if d.err == nil && n == 0 {
		d.fail("no IPv6 steps")
	}
}

// combo reads a combo index, remembering the largest for Decode to check.
func (d *decoder) combo() uint32 {
	v := d.uvarint()
	if v > 1<<32-1 {
		d.fail("combo index %d", v)
	}
	d.maxCombo = max(d.maxCombo, v)
	return uint32(v)
}

package snapshot

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
)

// The encoded form is a header and four sections, each compressed with
// DEFLATE (compress/flate) on its own so that they decode in parallel.
//
//	header:   "IPIB" | version (1 byte) | per section, 3 × (uint32 BE each):
//	          compressed length, decompressed length, CRC-32 (IEEE) of the
//	          decompressed bytes
//	section 0: the manifest as JSON (what the data was built from, its date,
//	           the counts; no output record), so that a snapshot file
//	           describes itself
//	section 1: countries: count, then 2 bytes each
//	           networks:  count, then per network: ASN - previous ASN, org length, org bytes
//	           combos:    count, then per combo: country index, network index
//	section 2: IPv4 steps: count, then per step: start - previous start, combo index
//	section 3: IPv6 steps: count, then per step: high 64 bits - previous high
//	           64 bits, low 64 bits (minus the previous low 64 bits when the
//	           high bits are equal), combo index
//
// Every number in a section is an unsigned varint (encoding/binary). Index
// 0 of countries, networks and combos ("none") is implied, not stored.
const (
	magic      = "IPIB"
	version    = 3
	sections   = 4
	headerSize = len(magic) + 1 + sections*12
)

// Encode writes s in the compact form. The output depends only on s. The
// manifest it embeds is s.Manifest without its Output, with s's counts.
func Encode(s *Snapshot) ([]byte, error) {
	var m Manifest
	if s.Manifest != nil {
		m = *s.Manifest
	}
	m.Output, m.Counts = nil, CountsOf(s)
	man, err := json.Marshal(&m)
	if err != nil {
		return nil, err
	}
	var meta, v4, v6 []byte
	u := func(b *[]byte, v uint64) { *b = binary.AppendUvarint(*b, v) }

	u(&meta, uint64(len(s.Countries)-1))
	for _, c := range s.Countries[1:] {
		meta = append(meta, c...)
	}
	u(&meta, uint64(len(s.Networks)-1))
	prev := uint32(0)
	for _, n := range s.Networks[1:] {
		u(&meta, uint64(n.ASN-prev))
		prev = n.ASN
		u(&meta, uint64(len(n.Org)))
		meta = append(meta, n.Org...)
	}
	u(&meta, uint64(len(s.Combos)-1))
	for _, c := range s.Combos[1:] {
		u(&meta, uint64(c.Country))
		u(&meta, uint64(c.Network))
	}

	u(&v4, uint64(len(s.Starts4)))
	prev = 0
	for i, st := range s.Starts4 {
		u(&v4, uint64(st-prev))
		prev = st
		u(&v4, uint64(s.Vals4[i]))
	}

	u(&v6, uint64(len(s.Starts6)))
	var p6 U128
	for i, st := range s.Starts6 {
		u(&v6, st.Hi-p6.Hi)
		if st.Hi == p6.Hi {
			u(&v6, st.Lo-p6.Lo)
		} else {
			u(&v6, st.Lo)
		}
		p6 = st
		u(&v6, uint64(s.Vals6[i]))
	}

	header := []byte(magic + string(rune(version)))
	var body bytes.Buffer
	for _, sec := range [][]byte{man, meta, v4, v6} {
		start := body.Len()
		zw, err := flate.NewWriter(&body, flate.BestCompression)
		if err != nil {
			return nil, err
		}
		if _, err := zw.Write(sec); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		header = binary.BigEndian.AppendUint32(header, uint32(body.Len()-start))
		header = binary.BigEndian.AppendUint32(header, uint32(len(sec)))
		header = binary.BigEndian.AppendUint32(header, crc32.ChecksumIEEE(sec))
	}
	return append(header, body.Bytes()...), nil
}

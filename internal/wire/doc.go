// Package wire holds the JSON shapes of the hosted IP-intelligence APIs:
// VectraIP, VPN Signal and Datpaq, as each provider's public documentation
// shows them.
//
// Package source/remote decodes answers into these structs, and package
// ipintel builds a Result's JSON, which is VectraIP's response plus its own
// additions, from the VectraIP ones. Package compat renders the responses
// with structs of its own, which go doc shows; its golden and conformance
// tests keep the two in step.
//
// Every field a page documents (in an example or a field table) is encoded
// always, with its documented name and type; null where the page says
// "| null". What no page shows is marked "inferred" in the comments.
// Decoding is lenient where unambiguous (see [Text], [Int], [Flag]): null,
// unknown extra fields, a number where a string is documented and the
// reverse. Nothing here checks ranges: package remote decides what to trust.
package wire

// Package wire holds the JSON shapes of the hosted IP-intelligence APIs:
// VectraIP, VPN Signal and Datpaq, as each provider's public documentation
// shows them.
//
// The same structs are used three ways: source/remote decodes answers into
// them, package compat exports them (as aliases) and renders ipintel
// results into them, and the ipintel command's serve subcommand serves
// them through compat.
//
// Every field a page documents (in an example or a field table) is encoded
// always, with its documented name and type; null where the page says
// "| null". What no page shows is marked "inferred" in the comments.
// Decoding is lenient where unambiguous (see [Text], [Int], [Flag]): null,
// unknown extra fields, a number where a string is documented and the
// reverse. Nothing here checks ranges: package remote decides what to trust.
package wire

/*
 * OpenWUA: fetching files over HTTP(S) with WinHTTP.  No COM objects in here.
 *
 * One GET into a file: the body goes to a temporary file next to the
 * destination, renamed over it only once complete, so a destination is never
 * seen half written.  Redirects are followed (a bounded number, never from
 * https to http), certificates are always checked, and errors come back as
 * the WU_E_PT_* codes WUA uses (see transport_status_error and
 * transport_winhttp_error).
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_TRANSPORT_H
#define OPENWUA_TRANSPORT_H

#include <windows.h>

#define TRANSPORT_DEFAULT_TIMEOUT 60000     /* ms, each of resolve, connect, send, receive, response */
#define TRANSPORT_MAX_REDIRECTS 10
#define TRANSPORT_MAX_URL 8192              /* characters, of the URL and of any redirect's target */
#define TRANSPORT_MAX_VALIDATOR 256         /* characters of an ETag or Last-Modified value */
#define TRANSPORT_MAX_ATTEMPTS 4            /* requests of one resumable fetch, retries included */

enum transport_proxy
{
    TRANSPORT_PROXY_SYSTEM,     /* WinHTTP's setting, then the user's IE settings (PAC, WPAD, static) */
    TRANSPORT_PROXY_NONE,       /* straight to the server */
    TRANSPORT_PROXY_NAMED,      /* options->proxy_server */
};

/* What identifies one version of a resource: the response's ETag and
 * Last-Modified as the server sent them (empty strings when it sent none).
 * Sent back as If-None-Match / If-Modified-Since for a conditional fetch. */
struct transport_validator
{
    WCHAR etag[TRANSPORT_MAX_VALIDATOR];
    WCHAR last_modified[TRANSPORT_MAX_VALIDATOR];
};

/* All fields may be left zero. */
struct transport_options
{
    enum transport_proxy proxy;
    const WCHAR *proxy_server;          /* NAMED: "host:port", WinHTTP's proxy list syntax */
    const WCHAR *proxy_bypass;          /* NAMED: may be NULL */
    DWORD timeout;                      /* ms; 0: TRANSPORT_DEFAULT_TIMEOUT */
    ULONGLONG max_bytes;                /* a longer body fails with ERROR_FILE_TOO_LARGE; 0: no limit */
    /* checked before sending and between reads (a blocked call ends by the
     * timeout): non-zero stops the fetch with E_ABORT */
    const volatile LONG *abort;
    /* in: when the destination exists and this holds a value, the request is
     * conditional; out: the response's validator (cleared when it had none) */
    struct transport_validator *validator;
    /* transport_fetch_resumable only: called on the caller's thread, at most
     * every 50 ms while the body comes, with the bytes of the file there are
     * so far (a resumed part included) and its size (0 when not known) */
    void (*progress)(void *context, ULONGLONG done, ULONGLONG total);
    void *progress_context;
    /* transport_fetch_resumable only: called on the fetch's own thread as the
     * part changes, never once the call has returned: the part's first end
     * bytes are written and stay as they are until a call with restarted TRUE
     * says the part was emptied (end 0) to be written again from the start.
     * Lets a reader follow the part while it grows.  Called with the fetch's
     * lock held: it must be quick and must not call into the transport. */
    void (*part_written)(void *context, ULONGLONG end, BOOL restarted);
    void *part_context;
};

/* What a resumable fetch did: body bytes that came over the network (in
 * every attempt, so bytes fetched again are counted), and requests made. */
struct transport_stats
{
    ULONGLONG received;
    unsigned int attempts;
};

/* GETs an http:// or https:// URL into dest.  S_OK: dest holds the body of a
 * 200 answer.  S_FALSE: the server answered 304 to a conditional request and
 * dest was left as it was.  On failure dest is untouched and no temporary
 * file is left.  Errors: WU_E_PT_INVALID_URL, the HTTP status and WinHTTP
 * mappings below, E_ABORT, HRESULT_FROM_WIN32 for the file system. */
HRESULT transport_fetch(const WCHAR *url, const WCHAR *dest, const struct transport_options *options);

/* GETs an http(s) URL into partial, continuing what partial holds already:
 * "Range: bytes=N-" with If-Range (the validator in the file validator_path,
 * which is written whenever a whole body starts).  A 206 whose Content-Range
 * is the rest of the file is appended; a 200 starts the part over; a 416, or
 * a 206 for another range or another size, empties the part and fetches it
 * whole (a 206 to a request without Range is an error).  size is the file's
 * size when known (0: not known): a longer body fails with
 * ERROR_FILE_TOO_LARGE.  Transient failures (connection dropped, body cut
 * short, timeout, 500, 502, 503, 504) are tried again, continuing the part,
 * after 250 ms, 500 ms, 1 s; TRANSPORT_MAX_ATTEMPTS requests in all.  The
 * abort flag is honoured within 50 ms whatever the server does, also during
 * a backoff.  S_OK: partial holds the whole body.  On failure the part stays
 * for the next call to continue.  options->validator is not used. */
HRESULT transport_fetch_resumable(const WCHAR *url, const WCHAR *partial, const WCHAR *validator_path,
                                  ULONGLONG size, const struct transport_options *options,
                                  struct transport_stats *stats);

/* Fetches url into %ProgramData%\OpenWUA\<folder>\<SHA-256 of the URL, hex>.<ext>
 * (folders created as needed), conditionally (If-None-Match, If-Modified-Since)
 * when an intact copy is there already, and returns that path (free it with
 * free).  Fetches of one URL by several processes take turns.  A failed fetch
 * fails: a cached copy is never used in place of an answer from the server. */
HRESULT transport_fetch_cached(const WCHAR *url, const WCHAR *folder, const WCHAR *ext,
                               const struct transport_options *options, WCHAR **path);

/* TRUE for an http:// or https:// URL. */
BOOL transport_is_http_url(const WCHAR *url);

/* The HRESULT of a final HTTP status (S_OK for 200). */
HRESULT transport_status_error(DWORD status);
/* The HRESULT of a WinHTTP (or Win32) error code. */
HRESULT transport_winhttp_error(DWORD error);

#endif

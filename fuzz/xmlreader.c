/*
 * OpenWUA fuzzing: XmlLite's reader for the native build, over libxml2's
 * xmlTextReader, so that the catalog loader (src/catalog.c) runs unchanged on
 * Linux under the sanitizers.  Only what the loader uses behaves like XmlLite;
 * the rest says E_NOTIMPL.
 *
 * The whole input is read from the ISequentialStream at SetInput, in small
 * reads, as XmlLite reads it.  Line numbers are node counts: every node is at
 * a new place, so the loader's guard against Wine's reader repeating a node
 * never fires here (libxml2 does not repeat nodes).
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
/* before Wine's headers: ICU, which libxml2 includes, takes _WIN64 for Windows */
#include <libxml/xmlreader.h>
#include <windows.h>
#include <ole2.h>
#include <xmllite.h>

#define READER_ERROR ((HRESULT)0xc00cee2dL)    /* a syntax error, as XmlLite's WC_E_SYNTAX */
#define DTD_PROHIBITED ((HRESULT)0xc00cee3dL)  /* WC_E_DTDPROHIBITED */

/* A string handed out by a getter: good until the reader moves. */
struct wide
{
    WCHAR *text;
    UINT length, size;
};

struct reader
{
    IXmlReader IXmlReader_iface;
    LONG refs;
    xmlTextReaderPtr xml;
    BYTE *input;
    size_t input_size;
    HRESULT input_error;
    UINT max_depth;
    BOOL prohibit_dtd;
    UINT nodes;
    struct wide name, ns, qname, value;
};

static inline struct reader *impl_from_IXmlReader(IXmlReader *iface)
{
    return CONTAINING_RECORD(iface, struct reader, IXmlReader_iface);
}

/* UTF-8 (as libxml2 gives it, already checked) to UTF-16. */
static HRESULT widen(struct wide *wide, const xmlChar *utf8)
{
    size_t length = utf8 ? strlen((const char *)utf8) : 0, i = 0;
    UINT n = 0;

    if (length + 1 > wide->size)
    {
        WCHAR *grown = realloc(wide->text, (length + 1) * sizeof(WCHAR));
        if (!grown) return E_OUTOFMEMORY;
        wide->text = grown;
        wide->size = length + 1;
    }
    while (i < length)
    {
        unsigned int c = utf8[i], extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0, k;

        c &= extra == 3 ? 0x07 : extra == 2 ? 0x0f : extra == 1 ? 0x1f : 0x7f;
        for (k = 1; k <= extra && i + k < length; k++) c = (c << 6) | (utf8[i + k] & 0x3f);
        i += extra + 1;
        if (c >= 0x10000)
        {
            c -= 0x10000;
            wide->text[n++] = 0xd800 | (c >> 10);
            c = 0xdc00 | (c & 0x3ff);
        }
        wide->text[n++] = c;
    }
    wide->text[n] = 0;
    wide->length = n;
    return S_OK;
}

static HRESULT give(struct wide *wide, const xmlChar *utf8, const WCHAR **out, UINT *length)
{
    HRESULT hr;

    if (!out) return E_INVALIDARG;
    if (FAILED(hr = widen(wide, utf8))) return hr;
    *out = wide->text;
    if (length) *length = wide->length;
    return S_OK;
}

static HRESULT WINAPI reader_QueryInterface(IXmlReader *iface, REFIID riid, void **obj)
{
    (void)riid;
    *obj = iface;
    IXmlReader_AddRef(iface);
    return S_OK;
}

static ULONG WINAPI reader_AddRef(IXmlReader *iface)
{
    return ++impl_from_IXmlReader(iface)->refs;
}

static void reset(struct reader *reader)
{
    if (reader->xml) xmlFreeTextReader(reader->xml);
    reader->xml = NULL;
    free(reader->input);
    reader->input = NULL;
    reader->input_size = 0;
    reader->input_error = S_OK;
    reader->nodes = 0;
}

static ULONG WINAPI reader_Release(IXmlReader *iface)
{
    struct reader *reader = impl_from_IXmlReader(iface);
    ULONG refs = --reader->refs;

    if (refs) return refs;
    reset(reader);
    free(reader->name.text);
    free(reader->ns.text);
    free(reader->qname.text);
    free(reader->value.text);
    free(reader);
    return 0;
}

/* Everything the stream has, read as XmlLite reads: 4 KiB at a time. */
static HRESULT slurp(struct reader *reader, ISequentialStream *stream)
{
    ULONG done;
    HRESULT hr;

    for (;;)
    {
        BYTE *grown = realloc(reader->input, reader->input_size + 4096);

        if (!grown) return E_OUTOFMEMORY;
        reader->input = grown;
        done = 0;
        hr = ISequentialStream_Read(stream, reader->input + reader->input_size, 4096, &done);
        if (FAILED(hr)) return hr;
        if (done > 4096) abort();
        reader->input_size += done;
        if (hr == S_FALSE || !done) return S_OK;
    }
}

static HRESULT WINAPI reader_SetInput(IXmlReader *iface, IUnknown *input)
{
    struct reader *reader = impl_from_IXmlReader(iface);
    ISequentialStream *stream;
    HRESULT hr;

    reset(reader);
    if (!input) return S_OK;
    if (FAILED(hr = IUnknown_QueryInterface(input, &IID_ISequentialStream, (void **)&stream))) return hr;
    reader->input_error = slurp(reader, stream);
    ISequentialStream_Release(stream);
    if (FAILED(reader->input_error)) return S_OK;   /* told by Read, as XmlLite tells it */
    reader->xml = xmlReaderForMemory((const char *)reader->input, reader->input_size, NULL, NULL,
                                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    return reader->xml ? S_OK : E_OUTOFMEMORY;
}

static HRESULT WINAPI reader_GetProperty(IXmlReader *iface, UINT property, LONG_PTR *value)
{
    (void)iface, (void)property, (void)value;
    return E_NOTIMPL;
}

static HRESULT WINAPI reader_SetProperty(IXmlReader *iface, UINT property, LONG_PTR value)
{
    struct reader *reader = impl_from_IXmlReader(iface);

    switch (property)
    {
    case XmlReaderProperty_DtdProcessing:
        reader->prohibit_dtd = value == DtdProcessing_Prohibit;
        return S_OK;
    case XmlReaderProperty_XmlResolver:
        return value ? E_NOTIMPL : S_OK;
    case XmlReaderProperty_MaxElementDepth:
        reader->max_depth = value;
        return S_OK;
    default:
        return E_NOTIMPL;
    }
}

static HRESULT WINAPI reader_Read(IXmlReader *iface, XmlNodeType *type)
{
    struct reader *reader = impl_from_IXmlReader(iface);
    int ret, depth;

    if (type) *type = XmlNodeType_None;
    if (FAILED(reader->input_error)) return reader->input_error;
    if (!reader->xml) return E_UNEXPECTED;
    if ((ret = xmlTextReaderRead(reader->xml)) < 0) return READER_ERROR;
    if (!ret) return S_FALSE;
    reader->nodes++;
    depth = xmlTextReaderDepth(reader->xml);
    if (reader->max_depth && depth >= 0 && (UINT)depth >= reader->max_depth) return READER_ERROR;
    switch ((ret = xmlTextReaderNodeType(reader->xml)))
    {
    case XML_READER_TYPE_DOCUMENT_TYPE:
        if (reader->prohibit_dtd) return DTD_PROHIBITED;
        break;
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        ret = XmlNodeType_Whitespace;
        break;
    case XML_READER_TYPE_ELEMENT: case XML_READER_TYPE_TEXT: case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_PROCESSING_INSTRUCTION: case XML_READER_TYPE_COMMENT: case XML_READER_TYPE_WHITESPACE:
    case XML_READER_TYPE_END_ELEMENT:
        break;
    default:
        return READER_ERROR;    /* entity references cannot occur without a DTD */
    }
    if (type) *type = ret;
    return S_OK;
}

static HRESULT WINAPI reader_GetNodeType(IXmlReader *iface, XmlNodeType *type)
{
    struct reader *reader = impl_from_IXmlReader(iface);
    int ret = reader->xml ? xmlTextReaderNodeType(reader->xml) : 0;

    *type = ret == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ? XmlNodeType_Whitespace : ret;
    return S_OK;
}

static HRESULT move_result(int ret)
{
    return ret < 0 ? READER_ERROR : ret ? S_OK : S_FALSE;
}

static HRESULT WINAPI reader_MoveToFirstAttribute(IXmlReader *iface)
{
    struct reader *reader = impl_from_IXmlReader(iface);

    return reader->xml ? move_result(xmlTextReaderMoveToFirstAttribute(reader->xml)) : E_UNEXPECTED;
}

static HRESULT WINAPI reader_MoveToNextAttribute(IXmlReader *iface)
{
    struct reader *reader = impl_from_IXmlReader(iface);

    return reader->xml ? move_result(xmlTextReaderMoveToNextAttribute(reader->xml)) : E_UNEXPECTED;
}

static HRESULT WINAPI reader_MoveToAttributeByName(IXmlReader *iface, const WCHAR *name, const WCHAR *ns)
{
    (void)iface, (void)name, (void)ns;
    return E_NOTIMPL;
}

static HRESULT WINAPI reader_MoveToElement(IXmlReader *iface)
{
    struct reader *reader = impl_from_IXmlReader(iface);

    return reader->xml ? move_result(xmlTextReaderMoveToElement(reader->xml)) : E_UNEXPECTED;
}

static HRESULT WINAPI reader_GetQualifiedName(IXmlReader *iface, const WCHAR **name, UINT *length)
{
    struct reader *reader = impl_from_IXmlReader(iface);

    if (!reader->xml) return E_UNEXPECTED;
    return give(&reader->qname, xmlTextReaderConstName(reader->xml), name, length);
}

static HRESULT WINAPI reader_GetNamespaceUri(IXmlReader *iface, const WCHAR **ns, UINT *length)
{
    struct reader *reader = impl_from_IXmlReader(iface);

    if (!reader->xml) return E_UNEXPECTED;
    return give(&reader->ns, xmlTextReaderConstNamespaceUri(reader->xml), ns, length);
}

static HRESULT WINAPI reader_GetLocalName(IXmlReader *iface, const WCHAR **name, UINT *length)
{
    struct reader *reader = impl_from_IXmlReader(iface);

    if (!reader->xml) return E_UNEXPECTED;
    return give(&reader->name, xmlTextReaderConstLocalName(reader->xml), name, length);
}

static HRESULT WINAPI reader_GetPrefix(IXmlReader *iface, const WCHAR **prefix, UINT *length)
{
    (void)iface, (void)prefix, (void)length;
    return E_NOTIMPL;
}

static HRESULT WINAPI reader_GetValue(IXmlReader *iface, const WCHAR **value, UINT *length)
{
    struct reader *reader = impl_from_IXmlReader(iface);

    if (!reader->xml) return E_UNEXPECTED;
    return give(&reader->value, xmlTextReaderConstValue(reader->xml), value, length);
}

static HRESULT WINAPI reader_ReadValueChunk(IXmlReader *iface, WCHAR *buffer, UINT size, UINT *read)
{
    (void)iface, (void)buffer, (void)size, (void)read;
    return E_NOTIMPL;
}

static HRESULT WINAPI reader_GetBaseUri(IXmlReader *iface, const WCHAR **uri, UINT *length)
{
    (void)iface, (void)uri, (void)length;
    return E_NOTIMPL;
}

static BOOL WINAPI reader_IsDefault(IXmlReader *iface)
{
    (void)iface;
    return FALSE;
}

static BOOL WINAPI reader_IsEmptyElement(IXmlReader *iface)
{
    struct reader *reader = impl_from_IXmlReader(iface);

    return reader->xml && xmlTextReaderIsEmptyElement(reader->xml) == 1;
}

static HRESULT WINAPI reader_GetLineNumber(IXmlReader *iface, UINT *line)
{
    *line = impl_from_IXmlReader(iface)->nodes;
    return S_OK;
}

static HRESULT WINAPI reader_GetLinePosition(IXmlReader *iface, UINT *column)
{
    (void)iface;
    *column = 0;
    return S_OK;
}

static HRESULT WINAPI reader_GetAttributeCount(IXmlReader *iface, UINT *count)
{
    (void)iface, (void)count;
    return E_NOTIMPL;
}

static HRESULT WINAPI reader_GetDepth(IXmlReader *iface, UINT *depth)
{
    (void)iface, (void)depth;
    return E_NOTIMPL;
}

static BOOL WINAPI reader_IsEOF(IXmlReader *iface)
{
    (void)iface;
    return FALSE;
}

static const IXmlReaderVtbl reader_vtbl =
{
    reader_QueryInterface, reader_AddRef, reader_Release, reader_SetInput, reader_GetProperty, reader_SetProperty,
    reader_Read, reader_GetNodeType, reader_MoveToFirstAttribute, reader_MoveToNextAttribute,
    reader_MoveToAttributeByName, reader_MoveToElement, reader_GetQualifiedName, reader_GetNamespaceUri,
    reader_GetLocalName, reader_GetPrefix, reader_GetValue, reader_ReadValueChunk, reader_GetBaseUri,
    reader_IsDefault, reader_IsEmptyElement, reader_GetLineNumber, reader_GetLinePosition, reader_GetAttributeCount,
    reader_GetDepth, reader_IsEOF,
};

/* libxml2 prints some errors whatever the parser options say */
static void quiet(void *context, const char *format, ...)
{
    (void)context, (void)format;
}

HRESULT WINAPI CreateXmlReader(REFIID riid, void **obj, IMalloc *malloc_iface)
{
    struct reader *reader;

    (void)riid, (void)malloc_iface;
    xmlSetGenericErrorFunc(NULL, quiet);
    if (!(reader = calloc(1, sizeof(*reader)))) return E_OUTOFMEMORY;
    reader->IXmlReader_iface.lpVtbl = (IXmlReaderVtbl *)&reader_vtbl;
    reader->refs = 1;
    *obj = &reader->IXmlReader_iface;
    return S_OK;
}

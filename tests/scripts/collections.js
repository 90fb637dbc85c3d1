// OpenWUA tests: the collections from JScript.
// Prints "FAIL: <what>" per failed check, then "N passed, M failed"; exits 1 on any failure.
//
// Copyright 2026 the OpenWUA authors
// SPDX-License-Identifier: LGPL-2.1-or-later

var WU_E_INVALIDINDEX = 0x80240007;
var E_POINTER = 0x80004003;
var DISP_E_TYPEMISMATCH = 0x80020005;

var passed = 0, failed = 0;

function check(ok, what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        WScript.Echo("FAIL: " + what);
    }
}

function checkEqual(actual, expected, what) {
    check(actual === expected, what + " (got " + actual + ", expected " + expected + ")");
}

function hex(n) {
    return "0x" + (n >>> 0).toString(16).toUpperCase();
}

function finish() {
    WScript.Echo(passed + " passed, " + failed + " failed");
    WScript.Quit(failed > 0 ? 1 : 0);
}

// The items of a collection through new Enumerator, as "[a][b]".
function joinEnum(c) {
    var s = "";
    for (var e = new Enumerator(c); !e.atEnd(); e.moveNext()) s += "[" + e.item() + "]";
    return s;
}

// Runs f, which must throw; returns the error, or null when nothing was thrown.
function thrown(f) {
    try {
        f();
    } catch (e) {
        return e;
    }
    return null;
}

function checkIndexError(f, what) {
    var e = thrown(f);
    check(e !== null, what + ": throws");
    if (e === null) return;
    checkEqual(hex(e.number), hex(WU_E_INVALIDINDEX), what + ": number");
    checkEqual(e.description, "", what + ": description");
}

function main() {
    // --- creation, through both ProgIDs ---
    var c, c1, u, u1;
    function create(progid) {
        try {
            var obj = new ActiveXObject(progid);
            check(true, "new ActiveXObject " + progid);
            return obj;
        } catch (e) {
            check(false, "new ActiveXObject " + progid + ": " + hex(e.number));
            return null;
        }
    }
    c = create("Microsoft.Update.StringColl");
    c1 = create("Microsoft.Update.StringColl.1");
    u = create("Microsoft.Update.UpdateColl");
    u1 = create("Microsoft.Update.UpdateColl.1");
    if (failed > 0) return;

    // --- StringColl: Add, Count, Item, Insert, RemoveAt, Clear, Copy ---
    checkEqual(c.Count, 0, "new string collection Count");
    checkEqual(c.ReadOnly, false, "string collection ReadOnly");
    checkEqual(c.Add("alpha"), 0, "first Add returns 0");
    checkEqual(c.Add("gamma"), 1, "second Add returns 1");
    c.Add("delta");
    checkEqual(c.Count, 3, "Count after three Adds");
    checkEqual(typeof c.Count, "number", "Count is a number");
    checkEqual(c.Item(0), "alpha", "Item(0)");
    checkEqual(typeof c.Item(0), "string", "items are strings");
    checkEqual(c.Item(2), "delta", "Item(2)");
    checkEqual(c.Item("1"), "gamma", "a numeric string index is coerced");
    checkEqual(c.Item(1.0), "gamma", "a double index is coerced");
    c.Insert(1, "beta");
    checkEqual(joinEnum(c), "[alpha][beta][gamma][delta]", "Insert in the middle");
    c.Insert(0, "first");
    c.Insert(c.Count, "last");
    checkEqual(joinEnum(c), "[first][alpha][beta][gamma][delta][last]", "Insert at 0 and at Count");
    c.RemoveAt(0);
    c.RemoveAt(c.Count - 1);
    checkEqual(joinEnum(c), "[alpha][beta][gamma][delta]", "RemoveAt first and last");
    var idx = c.Add("");
    checkEqual(c.Item(idx), "", "empty string");
    c.RemoveAt(idx);
    var big = new Array(100001).join("y");
    idx = c.Add(big);
    checkEqual(c.Item(idx).length, 100000, "long string length");
    check(c.Item(idx) === big, "long string content");
    c.RemoveAt(idx);
    idx = c.Add(42);
    checkEqual(c.Item(idx), "42", "a number is stored as its string");
    c.RemoveAt(idx);

    var copy = c.Copy();
    checkEqual(copy.Count, 4, "Copy Count");
    checkEqual(copy.ReadOnly, false, "Copy is writable");
    copy.Add("only in the copy");
    copy.RemoveAt(0);
    checkEqual(c.Count, 4, "original unchanged by changes to the copy");
    checkEqual(joinEnum(c), "[alpha][beta][gamma][delta]", "original contents");
    checkEqual(joinEnum(copy), "[beta][gamma][delta][only in the copy]", "copy contents");

    // --- Enumerator: in order, atEnd, moveFirst, and a snapshot ---
    var e = new Enumerator(c), n = 0;
    checkEqual(e.item(), "alpha", "Enumerator starts at the first item");
    for (; !e.atEnd(); e.moveNext()) {
        if (n++ === 0) c.Add("added while enumerating");
    }
    checkEqual(n, 4, "Enumerator runs on a snapshot");
    checkEqual(c.Count, 5, "the Add during enumeration went in");
    e.moveFirst();
    checkEqual(e.item(), "alpha", "moveFirst");
    c.RemoveAt(4);

    // Names are case-insensitive.
    checkEqual(c.count, 4, "c.count");
    checkEqual(c.ITEM(1), "beta", "c.ITEM");
    checkEqual(c.add("epsilon"), 4, "c.add");
    c.removeat(4);

    // --- errors: a bad index gives WU_E_INVALIDINDEX and no text ---
    checkIndexError(function () { return c.Item(4); }, "Item(Count)");
    checkIndexError(function () { return c.Item(-1); }, "Item(-1)");
    checkIndexError(function () { return c.Item(2147483647); }, "Item(huge)");
    checkIndexError(function () { c.RemoveAt(4); }, "RemoveAt(Count)");
    checkIndexError(function () { c.RemoveAt(-1); }, "RemoveAt(-1)");
    checkIndexError(function () { c.Insert(5, "x"); }, "Insert(Count + 1)");
    checkIndexError(function () { c.Insert(-1, "x"); }, "Insert(-1)");
    var err = thrown(function () { return c.Item("abc"); });
    check(err !== null, "a non-numeric index is an error");
    checkEqual(joinEnum(c), "[alpha][beta][gamma][delta]", "failed calls changed nothing");

    c.Clear();
    checkEqual(c.Count, 0, "Clear");
    checkEqual(joinEnum(c), "", "Enumerator over a cleared collection");
    checkEqual(copy.Count, 4, "Clear leaves the copy alone");
    checkEqual(c1.Count, 0, "the .1 string collection is separate");

    // --- UpdateColl ---
    checkEqual(u.Count, 0, "new update collection Count");
    checkEqual(u.ReadOnly, false, "update collection ReadOnly");
    checkEqual(u1.Count, 0, "the .1 update collection Count");
    n = 0;
    for (e = new Enumerator(u); !e.atEnd(); e.moveNext()) n++;
    checkEqual(n, 0, "Enumerator over an empty update collection");
    u.Clear();
    checkEqual(u.Count, 0, "Clear on an empty update collection");
    checkEqual(u.Copy().Count, 0, "Copy of an empty update collection");
    checkIndexError(function () { return u.Item(0); }, "UpdateColl Item(0) when empty");
    checkIndexError(function () { u.RemoveAt(0); }, "UpdateColl RemoveAt(0) when empty");

    // null arrives as VT_NULL, which is no object: the argument is refused.
    err = thrown(function () { u.Add(null); });
    check(err !== null, "UpdateColl Add(null) throws");
    if (err !== null)
        check(hex(err.number) === hex(DISP_E_TYPEMISMATCH) || hex(err.number) === hex(E_POINTER),
              "UpdateColl Add(null) is a type mismatch or E_POINTER (got " + hex(err.number) + ")");
    checkEqual(u.Count, 0, "Add(null) added nothing");
}

// An exception nothing expected is counted: Wine's cscript would otherwise end
// the script silently with exit code 0.
try {
    main();
} catch (e) {
    check(false, "unexpected exception " + hex(e.number) + " " + e.description);
}
finish();

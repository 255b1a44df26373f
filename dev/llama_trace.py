#!/usr/bin/env python3
"""llama.cpp's intermediate tensors, for tracing where our logits and llama.cpp's part.

Reads every Float32 tensor llama.cpp computes (its eval callback, cb_eval, through
llama-cpp-python's low-level API; one batch, 1 thread, no flash attention, like
dev/llama_reference.py) and pickles {name: (op, array[ne3, ne2, ne1, ne0])} in graph order.
`compare` prints the first tensors whose given token rows differ between two dumps, e.g. the same
tokens computed in batches of 4 and 8 (this found llama.cpp's tiled Q6_K path, docs/GENERATION.md).
`kq-N` spans the whole KV window, whose cells past the batch hold whatever was there: ignore it.

usage: python3 dev/llama_trace.py dump MODEL.gguf TOKEN,TOKEN,... OUT.pkl
       python3 dev/llama_trace.py compare A.pkl B.pkl ROW,ROW,...
"""
import ctypes, pickle, sys
import numpy as np


class GGMLTensor(ctypes.Structure):  # ggml.h's struct ggml_tensor (GGML_MAX_DIMS 4, MAX_SRC 10, MAX_NAME 64)
    _fields_ = [("type", ctypes.c_int), ("buffer", ctypes.c_void_p), ("ne", ctypes.c_int64 * 4), ("nb", ctypes.c_size_t * 4),
                ("op", ctypes.c_int), ("op_params", ctypes.c_int32 * 16), ("flags", ctypes.c_int32),
                ("src", ctypes.c_void_p * 10), ("view_src", ctypes.c_void_p), ("view_offs", ctypes.c_size_t),
                ("data", ctypes.c_void_p), ("name", ctypes.c_char * 64), ("extra", ctypes.c_void_p), ("padding", ctypes.c_char * 8)]


def dump(path, toks, dst):
    import llama_cpp as L
    out, order = {}, []

    @L.ggml_backend_sched_eval_callback
    def cb(t, ask, _):
        tt = ctypes.cast(t, ctypes.POINTER(GGMLTensor)).contents
        if ask or tt.type != 0 or not tt.data:  # observe everything; keep Float32 tensors
            return True
        ne, nb = list(tt.ne), list(tt.nb)
        if ne[0] * ne[1] * ne[2] * ne[3] > 5_000_000:
            return True
        arr = np.empty((ne[3], ne[2], ne[1], ne[0]), dtype=np.float32)
        for i3 in range(ne[3]):
            for i2 in range(ne[2]):
                for i1 in range(ne[1]):
                    off = tt.data + i3 * nb[3] + i2 * nb[2] + i1 * nb[1]
                    if nb[0] == 4:
                        arr[i3, i2, i1] = np.ctypeslib.as_array((ctypes.c_float * ne[0]).from_address(off))
                    else:
                        for i0 in range(ne[0]):
                            arr[i3, i2, i1, i0] = ctypes.c_float.from_address(off + i0 * nb[0]).value
        key, k = tt.name.decode(), 1
        while key in out:
            key, k = f"{tt.name.decode()}#{k}", k + 1
        out[key] = (tt.op, arr)
        order.append(key)
        return True

    L.llama_backend_init()
    model = L.llama_model_load_from_file(path.encode(), L.llama_model_default_params())
    cp = L.llama_context_default_params()
    cp.n_ctx = cp.n_batch = cp.n_ubatch = 256
    cp.n_threads = cp.n_threads_batch = 1
    cp.flash_attn_type = L.LLAMA_FLASH_ATTN_TYPE_DISABLED
    cp.cb_eval, cp.cb_eval_user_data = cb, None
    ctx = L.llama_init_from_model(model, cp)
    batch = L.llama_batch_init(len(toks), 0, 1)
    for i, t in enumerate(toks):
        batch.token[i], batch.pos[i], batch.n_seq_id[i], batch.logits[i] = t, i, 1, 1
        batch.seq_id[i][0] = 0
    batch.n_tokens = len(toks)
    rc = L.llama_decode(ctx, batch)
    with open(dst, "wb") as f:
        pickle.dump({"order": order, "t": out, "tokens": toks}, f)
    print("llama_decode:", rc, "tensors:", len(order))


def compare(a_path, b_path, rows, limit=8):
    a, b = (pickle.load(open(p, "rb")) for p in (a_path, b_path))
    na, nbt = len(a["tokens"]), len(b["tokens"])
    shown = 0
    for k in a["order"]:
        if k not in b["t"]:
            continue
        (op, x), (_, y) = a["t"][k], b["t"][k]
        axis = next((ax for ax in (2, 1) if x.shape[ax] == na and y.shape[ax] == nbt), None)
        if axis is None:
            continue
        xa, yb = np.take(x, rows, axis=axis), np.take(y, rows, axis=axis)
        if xa.shape == yb.shape and np.max(np.abs(xa - yb)) > 0:
            print(f"{k}: op {op}, shapes {x.shape} / {y.shape}, max |diff| on rows {rows}: {np.max(np.abs(xa - yb)):.3g}")
            shown += 1
            if shown >= limit:
                break


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "dump":
        dump(sys.argv[2], [int(x) for x in sys.argv[3].split(",")], sys.argv[4])
    elif len(sys.argv) == 5 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], [int(x) for x in sys.argv[4].split(",")])
    else:
        sys.exit(__doc__)

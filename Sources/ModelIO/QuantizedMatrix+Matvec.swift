// Matrix-vector products straight from quantized blocks (placeholder, replaced below).

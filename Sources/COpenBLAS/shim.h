// COpenBLAS: the CBLAS interface of the system OpenBLAS (Debian: libopenblas-dev), plus its thread control.
#ifndef SRCODE_COPENBLAS_SHIM_H
#define SRCODE_COPENBLAS_SHIM_H
#include <cblas.h>
// Declared by OpenBLAS's cblas.h; repeated so the module compiles against any CBLAS header variant.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif

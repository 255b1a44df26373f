/* Vul2Safe compile-gate prelude: a permissive stand-in for the headers a dataset function's file
 * included. It declares the common libc/POSIX surface plus the integer and annotation spellings
 * that kernel-, BSD- and media-style projects use, so that a function lifted out of its file can
 * be syntax-checked. Errors that remain (unknown project types) are compared against the
 * vulnerable version's errors, so only errors the repair introduces fail the gate. */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <errno.h>
#include <ctype.h>
#include <stdarg.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <time.h>
#include <assert.h>
#include <signal.h>
typedef uint8_t u8;   typedef uint16_t u16;  typedef uint32_t u32;  typedef uint64_t u64;
typedef int8_t s8;    typedef int16_t s16;   typedef int32_t s32;   typedef int64_t s64;
typedef uint8_t __u8; typedef uint16_t __u16; typedef uint32_t __u32; typedef uint64_t __u64;
typedef int32_t __s32; typedef uint16_t __be16; typedef uint32_t __be32; typedef uint16_t __le16; typedef uint32_t __le32;
typedef unsigned char uchar; typedef unsigned int uint; typedef unsigned long ulong; typedef unsigned short ushort;
typedef unsigned char guchar; typedef char gchar; typedef int gint; typedef unsigned int guint; typedef int gboolean;
typedef uint32_t guint32; typedef int32_t gint32; typedef uint8_t guint8; typedef uint16_t guint16; typedef void *gpointer;
#define __user
#define __iomem
#define __force
#define __must_check
#define __init
#define __exit
#define likely(x) (x)
#define unlikely(x) (x)
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define TRUE 1
#define FALSE 0

/* SRCode stub prelude (C++): C headers plus the common standard library. Findings on these lines are dropped. */
#include <cstddef>
#include <cstdint>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cctype>
#include <cerrno>
#include <climits>
#include <ctime>
#include <csignal>
#include <cmath>
#include <unistd.h>
#include <fcntl.h>
#include <dirent.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string>
#include <vector>
#include <map>
#include <memory>
#include <algorithm>
#include <utility>
using namespace std;

/* Out-of-bounds read: the caller's index is used as-is. */
static const int days_in_month[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

int month_days(int month) {
    return days_in_month[month];
}

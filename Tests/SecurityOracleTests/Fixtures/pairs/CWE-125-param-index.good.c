/* Fixed: the index is validated first. */
static const int days_in_month[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

int month_days(int month) {
    if (month < 0 || month >= 12) return -1;
    return days_in_month[month];
}

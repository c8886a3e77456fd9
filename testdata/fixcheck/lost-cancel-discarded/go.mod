module example.com/fixcheck/lost-cancel-discarded

go 1.22

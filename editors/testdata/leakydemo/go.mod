module example.com/leakydemo

go 1.22

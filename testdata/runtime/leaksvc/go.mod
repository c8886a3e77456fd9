module example.com/leaksvc

go 1.27

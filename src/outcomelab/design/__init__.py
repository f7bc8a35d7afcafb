"""outcomelab.design"""
